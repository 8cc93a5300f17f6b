/** The page's script: severity filters, and sortable, filterable tables. No network, no globals left behind. */
export const SCRIPT = `(() => {
  const findings = [...document.querySelectorAll('li.finding')]
  for (const box of document.querySelectorAll('input[data-filter-severity]')) {
    box.addEventListener('change', () => {
      const shown = new Set([...document.querySelectorAll('input[data-filter-severity]:checked')].map((b) => b.dataset.filterSeverity))
      for (const li of findings) li.hidden = !shown.has(li.dataset.severity)
    })
  }
  for (const table of document.querySelectorAll('table[data-sortable]')) {
    const body = table.tBodies[0]
    const rows = () => [...body.rows]
    const buttons = [...table.querySelectorAll('button.sort')]
    buttons.forEach((button, column) => {
      button.addEventListener('click', () => {
        const ascending = button.getAttribute('aria-sort') !== 'ascending'
        for (const b of buttons) b.removeAttribute('aria-sort')
        button.setAttribute('aria-sort', ascending ? 'ascending' : 'descending')
        const value = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent.trim()
        const sorted = rows().sort((a, b) => {
          const x = value(a), y = value(b)
          const nx = Number(x), ny = Number(y)
          const order = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y)
          return ascending ? order : -order
        })
        for (const row of sorted) body.appendChild(row)
      })
    })
    const filter = document.querySelector('input[data-filter-table="' + table.id + '"]')
    if (filter) {
      filter.addEventListener('input', () => {
        const needle = filter.value.trim().toLowerCase()
        for (const row of rows()) row.hidden = needle !== '' && !row.textContent.toLowerCase().includes(needle)
        const count = document.querySelector('[data-count-for="' + table.id + '"]')
        if (count) count.textContent = String(rows().filter((r) => !r.hidden).length)
      })
    }
  }
})()`

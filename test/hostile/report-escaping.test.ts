import MarkdownIt from 'markdown-it'
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import type { Report } from '../../src/model/report.js'
import { assembleReport } from '../../src/policy/report.js'
import { escapeBlock, escapeLine, markdownCode } from '../../src/report/escape.js'
import { render } from '../../src/report/index.js'
import { progressLine } from '../../src/cli/progress.js'
import { RAW_CONTROL, HOSTILE_NAMES } from './helpers.js'

/** A renderer close to GitHub's: GFM tables, raw HTML allowed, bare URLs autolinked. */
const markdown = new MarkdownIt({ html: true, linkify: true })

const hostileReport = (name: string): Report =>
  assembleReport({
    command: 'scan',
    subject: { target: name },
    facts: [{ label: `author ${name}`, value: `package ${name}` }],
    findings: [
      {
        ruleId: 'scan/data-to-shell-pipeline',
        severity: 'critical',
        confidence: 'high',
        path: name,
        line: 2,
        message: `${name} pipes data into a shell`,
        evidence: `1: ok\n2: ${name}\n3: done`,
      } satisfies Finding,
    ],
    explained: [{ path: name, category: 'vendored', how: name, reproduced: true }],
    summary: {},
    incomplete: [`could not read ${name}`],
  })

describe('text reports show analysed content, never act on it', () => {
  for (const [label, name] of Object.entries(HOSTILE_NAMES)) {
    it(`escapes ${label}`, () => {
      const text = render(hostileReport(name), 'text', { color: false, verbose: true })
      expect(text).not.toMatch(RAW_CONTROL)
      // one header line per finding, and evidence keeps exactly its own lines, each marked as evidence
      const evidence = text.split('\n').filter((l) => l.includes('│ '))
      expect(evidence).toHaveLength(3 + (name.match(/\n/g)?.length ?? 0))
      expect(text.split('\n').filter((l) => /^ {2}CRITICAL /.test(l))).toHaveLength(1)
    })
  }
  it('shows an erasing escape sequence as visible text', () => {
    const text = render(hostileReport('x\x1b[1A\x1b[2Ky'), 'text', { color: false })
    expect(text).toContain('x\\x1b[1A\\x1b[2Ky')
  })
  it('keeps the evidence lines and escapes inside each', () => {
    expect(escapeBlock('a\rb\nc\x00d')).toBe('a\\rb\nc\\0d')
    // a tab in evidence (a Makefile recipe) stays a tab; in a name it is shown
    expect(escapeBlock('all:\n\techo ok')).toBe('all:\n\techo ok')
    expect(escapeLine('a\tb')).toBe('a\\tb')
    expect(escapeLine('a\nb\u202ec\x9bd\x7f')).toBe('a\\nb\\u202ec\\x9bd\\x7f')
  })
  it('escapes progress lines that name files', () => {
    expect(progressLine('reading x\x1b]0;title\x07y', 0, 200)).toBe('reading x\\x1b]0;title\\x07y')
    expect(progressLine({ label: 'a\rb', done: 1, total: 2 }, 0, 200)).toMatch(/^a\\rb \[/)
  })
  it('colours only what the tool writes', () => {
    const text = render(hostileReport('a\x1b[31mb'), 'text', { color: true })
    expect(text).toContain('a\\x1b[31mb')
  })
})

describe('Markdown reports render analysed content as text', () => {
  for (const [label, name] of Object.entries(HOSTILE_NAMES)) {
    it(`neutralises ${label}`, () => {
      const md = render(hostileReport(name), 'markdown', { color: false })
      expect(md).not.toMatch(RAW_CONTROL)
      const html = markdown.render(md)
      expect(html).not.toMatch(/<a[\s>]/)
      expect(html).not.toMatch(/<img[\s>]/)
      expect(html).not.toMatch(/<script|<iframe|<[^>]*onerror/i)
      // the findings table keeps exactly one row, with four cells
      const table = html.split('<table>')[2] ?? ''
      expect(table.match(/<tr>/g)).toHaveLength(2)
      expect(table.split('</tbody>')[0]?.match(/<td>/g)).toHaveLength(4)
      // only the tool's own <details> wrapper is HTML
      expect(html.match(/<details>/g)).toHaveLength(1)
      expect(html.match(/<\/details>/g)).toHaveLength(1)
    })
  }
  it('keeps a name readable once rendered', () => {
    const html = markdown.render(render(hostileReport('[click](https://evil.invalid/x)'), 'markdown', { color: false }))
    expect(html).toContain('[click](https://evil.invalid/x)')
  })
  it('code spans survive any run of backticks', () => {
    for (const text of ['`', '``a``', 'a ` b', '` ', ' `x` ', '````']) {
      const rendered = markdown.renderInline(markdownCode(text))
      expect(rendered).toMatch(/^<code>.*<\/code>$/)
      expect(rendered.slice('<code>'.length, -'</code>'.length)).toBe(text)
    }
  })
})

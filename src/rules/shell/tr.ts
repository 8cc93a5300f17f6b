const CLASSES: Record<string, string> = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
  alpha: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  alnum: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }

/** Expands a `tr` set (ranges, escapes, octal, [:class:]) into its characters, as tr would. */
export function expandTrSet(set: string): string[] {
  const chars: string[] = []
  let i = 0
  const next = (): string | undefined => {
    const c = set[i]
    if (c === undefined) return undefined
    if (c === '\\' && i + 1 < set.length) {
      const oct = /^[0-7]{1,3}/.exec(set.slice(i + 1))
      if (oct) {
        i += 1 + oct[0].length
        return String.fromCharCode(parseInt(oct[0], 8))
      }
      const e = set[i + 1] ?? ''
      i += 2
      return ESCAPES[e] ?? e
    }
    i++
    return c
  }
  while (i < set.length && chars.length < 4096) {
    const cls = /^\[:(\w+):\]/.exec(set.slice(i))
    if (cls) {
      chars.push(...(CLASSES[cls[1] ?? ''] ?? ''))
      i += cls[0].length
      continue
    }
    const c = next()
    if (c === undefined) break
    if (set[i] === '-' && i + 1 < set.length) {
      i++
      const end = next() ?? c
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0) && chars.length < 4096; code++) chars.push(String.fromCharCode(code))
    } else chars.push(c)
  }
  return chars
}

/**
 * A translation that only shuffles characters among themselves (a swap or a rotation), which
 * undoes an obfuscation rather than doing any ordinary text job. Case folding maps onto a
 * different set and is not a swap.
 */
export function isCharacterSwap(set1: string, set2: string): boolean {
  const a = expandTrSet(set1)
  const b = expandTrSet(set2)
  if (a.length < 2 || a.length !== b.length) return false
  const sa = [...a].sort().join('')
  const sb = [...b].sort().join('')
  if (sa !== sb) return false
  return a.some((c, i) => c !== b[i])
}

/**
 * @fileoverview A reader for the one shape of Python that generated build files take: assignments of
 * literals (strings, numbers, None, True, False, lists, tuples, dicts) to names, where a later
 * literal may name an earlier one. Anything else (a call, an attribute, an operator, an import
 * other than the ones the caller allows) makes the text not of this shape. Pure and bounded.
 */

export interface LiteralModule {
  /** each name bound, with its value: strings (escapes as written), numbers, null, booleans, arrays, and Maps for dicts */
  readonly bindings: ReadonlyMap<string, unknown>
  /** the statements that are not assignments, as written (`setup(**setup_kwargs)`) */
  readonly statements: readonly string[]
}

const MAX_DEPTH = 64

class NotLiteral extends Error {}

/**
 * Reads `text` as assignments of literals and the `allowed` statements (each a whole line).
 * Undefined when anything else is in it.
 */
export function readLiteralModule(text: string, allowed: ReadonlySet<string>): LiteralModule | undefined {
  const bindings = new Map<string, unknown>()
  const statements: string[] = []
  let at = 0
  const peek = (): string => text[at] ?? ''
  const skipSpace = (newlines: boolean): void => {
    for (;;) {
      const c = peek()
      if (c === ' ' || c === '\t' || (newlines && (c === '\n' || c === '\r'))) at++
      else if (c === '\\' && text[at + 1] === '\n') at += 2
      else if (newlines && c === '#') while (at < text.length && peek() !== '\n') at++
      else return
    }
  }
  const name = (): string => {
    const m = /^[A-Za-z_]\w*/.exec(text.slice(at, at + 256))
    if (!m) throw new NotLiteral()
    at += m[0].length
    return m[0]
  }
  const string = (): string => {
    const quote = peek()
    if (text.startsWith(quote.repeat(3), at)) throw new NotLiteral()
    at++
    let out = ''
    while (at < text.length && peek() !== quote) {
      if (peek() === '\n') throw new NotLiteral()
      if (peek() === '\\') {
        out += text.slice(at, at + 2)
        at += 2
      } else out += text[at++]
    }
    if (peek() !== quote) throw new NotLiteral()
    at++
    return out
  }
  const value = (depth: number, inside: boolean): unknown => {
    if (depth > MAX_DEPTH) throw new NotLiteral()
    skipSpace(inside)
    const c = peek()
    if (c === "'" || c === '"' || ((c === 'b' || c === 'r' || c === 'u') && (text[at + 1] === "'" || text[at + 1] === '"'))) {
      if (c !== "'" && c !== '"') at++
      let s = string()
      // adjacent strings are one
      for (;;) {
        const before = at
        skipSpace(inside)
        if (peek() === "'" || peek() === '"') s += string()
        else {
          at = before
          return s
        }
      }
    }
    const number = /^-?\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(at, at + 64))
    if (number) {
      at += number[0].length
      return Number(number[0].replace(/_/g, ''))
    }
    if (c === '[' || c === '(' || c === '{') {
      const close = c === '[' ? ']' : c === '(' ? ')' : '}'
      const items: unknown[] = []
      const entries = new Map<unknown, unknown>()
      at++
      for (;;) {
        skipSpace(true)
        if (peek() === close) {
          at++
          return c === '{' ? entries : items
        }
        const item = value(depth + 1, true)
        skipSpace(true)
        if (c === '{') {
          if (peek() !== ':') throw new NotLiteral()
          at++
          entries.set(item, value(depth + 1, true))
          skipSpace(true)
        } else items.push(item)
        if (peek() === ',') at++
        else if (peek() !== close) throw new NotLiteral()
      }
    }
    const word = name()
    if (word === 'None' || word === 'True' || word === 'False') return word === 'None' ? null : word === 'True'
    // only a name bound above: what it holds is a literal too
    if (!bindings.has(word)) throw new NotLiteral()
    return bindings.get(word)
  }
  try {
    while (at < text.length) {
      skipSpace(true)
      if (at >= text.length) break
      const end = text.indexOf('\n', at)
      const line = text.slice(at, end < 0 ? text.length : end).trimEnd()
      if (allowed.has(line)) {
        statements.push(line)
        at += line.length
        continue
      }
      const target = name()
      skipSpace(false)
      if (peek() !== '=' || text[at + 1] === '=') throw new NotLiteral()
      at++
      bindings.set(target, value(0, false))
      skipSpace(false)
      if (at < text.length && peek() !== '\n' && peek() !== '#' && peek() !== '\r') throw new NotLiteral()
    }
  } catch (err) {
    if (err instanceof NotLiteral) return undefined
    throw err
  }
  return { bindings, statements }
}

/**
 * @fileoverview Analysed content (file names, evidence lines, author and package names) is
 * attacker-controlled. Before it reaches a terminal, a log or a Markdown renderer, every control
 * character becomes a visible escape and every markup character loses its meaning. Formatters call
 * these where analysed strings enter their output; rules never escape.
 */

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\x1b', '\0': '\\0' }

/**
 * C0 controls, DEL, C1 controls, and the Unicode characters that reorder or break lines
 * (bidirectional overrides and isolates, line and paragraph separators): each can make a
 * terminal or a viewer show something other than the bytes.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/g

const visible = (ch: string): string => {
  const named = NAMED[ch]
  if (named) return named
  const code = ch.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One line of analysed text: every control character, newlines included, shown as an escape (`\x1b`, `\r`, `\n`). */
export const escapeLine = (text: string): string => text.replace(CONTROL, visible)

/** The same characters except the tab, which moves nothing back and is how Makefile recipes are written. */
const CONTROL_IN_BLOCK = new RegExp(CONTROL.source.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000a-\\u001f'), 'g')

/** A block of analysed text (evidence): its lines stay lines, each line escaped; tabs are kept as they are. */
export const escapeBlock = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.replace(CONTROL_IN_BLOCK, visible))
    .join('\n')

/** Whether a text holds a character escapeLine would rewrite; for tests and guards. */
export const hasControl = (text: string): boolean => new RegExp(CONTROL.source).test(text)

/**
 * The ASCII punctuation that can start markup somewhere: links, images, emphasis, tables, raw
 * HTML, entities, headings, lists, math (`$`), and the `:` and `.` of autolinked URLs and
 * `www.` hosts. CommonMark allows a backslash before any ASCII punctuation.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|<>~:&$]/g

/**
 * Analysed text shown as Markdown prose: one line, no live markup. `@` is followed by a word
 * joiner so a name such as `@owner/pkg` never mentions (and notifies) a user, and a URL's
 * punctuation is escaped so it never becomes an autolink.
 */
export const markdownText = (text: string): string =>
  escapeLine(text)
    .replace(MARKDOWN_PUNCTUATION, '\\$&')
    .replace(/@/g, '@\u2060')

/** Analysed text inside raw HTML (a `<summary>`): entities for the five HTML specials. */
export const htmlText = (text: string): string =>
  escapeLine(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

/**
 * Analysed text as a Markdown code span: fenced with one backtick more than its longest run of
 * backticks, padded so a leading or trailing backtick stays content. In a table cell a pipe ends
 * the cell even inside a code span, so it is escaped there (GFM removes the backslash).
 */
export function markdownCode(text: string, inTable = false): string {
  const flat = escapeLine(text)
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : ''
  return `${ticks}${pad}${body}${pad}${ticks}`
}

/** A fence for a Markdown code block: longer than any run of backticks in the text, at least three. */
export const markdownFence = (text: string): string => '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)))

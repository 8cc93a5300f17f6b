/**
 * @fileoverview The ends of lines, read without a regular expression: `/[ \t]+\\$/` and its kin are
 * tried from every start inside a run of blanks, so one hostile line of a million blanks costs a
 * million squared steps.
 */

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t'

/** the line without its trailing backslash and the white space before it: `a b  \` → `a b` */
export const withoutContinuation = (line: string): string => (line.endsWith('\\') ? line.slice(0, -1).trimEnd() : line)

/** the blanks before a line's trailing backslash made one: `a \t \` → `a \`; a line without blanks there, or without a backslash, as it is */
export function oneBlankBeforeContinuation(line: string): string {
  if (!line.endsWith('\\')) return line
  let start = line.length - 1
  while (start > 0 && isBlank(line[start - 1])) start--
  return start === line.length - 1 ? line : `${line.slice(0, start)} \\`
}

/**
 * @fileoverview Every limit stagelight applies to what it reads, in one table: the value, and
 * what happens when an input goes past it. `--help` and docs/limits.md show this table; the
 * readers import their values from here. Reaching a limit is never silent: it is a finding, an
 * `incomplete` note (exit 3) or a one-line exit-2 error, as each row says.
 */

const GiB = 1024 ** 3
const MiB = 1024 ** 2

export const LIMITS = Object.freeze({
  /** entries read from one archive or directory */
  maxEntries: 1_000_000,
  /** bytes of one entry, after decompression */
  maxEntryBytes: 8 * GiB,
  /** bytes of all entries, after decompression */
  maxTotalBytes: 32 * GiB,
  /** decompressed / compressed bytes, once ratioGraceBytes have been produced */
  maxRatio: 200,
  ratioGraceBytes: 64 * MiB,
  /** files up to this size keep their bytes for analysis (scan raises it to --max-file-size) */
  maxContentBytes: 4 * MiB,
  /** symlinks followed while resolving one link, as the kernel's own limit (40 on Linux) */
  maxSymlinkHops: 40,
  /** directories nested below the root of a scanned or verified directory */
  maxDirectoryDepth: 256,
  /** nesting of shell constructs (substitutions, subshells, quotes, here-documents, m4 brackets) analysed; real autotools, libtool and gnulib code reaches 48 */
  maxShellNesting: 64,
  /** one logical shell line (continuations joined), in characters */
  maxShellLine: 1_000_000,
  /** files of a tag read as the sources of an npm package's built code */
  maxBuildSources: 5000,
  /** characters of those sources read */
  maxBuildSourceChars: 64 * MiB,
})

export type LimitName = keyof typeof LIMITS

interface LimitRow {
  readonly name: LimitName
  readonly what: string
  readonly beyond: string
}

const ROWS: readonly LimitRow[] = [
  { name: 'maxEntries', what: 'entries in one archive or directory', beyond: 'reading stops; finding archive/limit-exceeded (critical) and incomplete' },
  { name: 'maxEntryBytes', what: 'bytes of one entry, decompressed', beyond: 'reading stops; finding archive/limit-exceeded and incomplete' },
  { name: 'maxTotalBytes', what: 'bytes of all entries, decompressed', beyond: 'reading stops; finding archive/limit-exceeded and incomplete' },
  { name: 'maxRatio', what: 'decompressed/compressed ratio (after ratioGraceBytes)', beyond: 'reading stops; finding archive/limit-exceeded and incomplete' },
  { name: 'ratioGraceBytes', what: 'bytes produced before the ratio is enforced', beyond: '—' },
  { name: 'maxContentBytes', what: 'bytes of a file kept for analysis (scan: --max-file-size)', beyond: 'the file is listed as not analysed; incomplete' },
  { name: 'maxSymlinkHops', what: 'symlinks followed to resolve one link', beyond: 'finding archive/link-escape (high): the link loops' },
  { name: 'maxDirectoryDepth', what: 'directory levels below a scanned or verified directory', beyond: 'reading stops; finding archive/limit-exceeded and incomplete' },
  { name: 'maxShellNesting', what: 'nested shell/m4/make constructs analysed', beyond: 'deeper text is read as flat words, not parsed further' },
  { name: 'maxShellLine', what: 'characters in one logical shell line', beyond: 'the line is cut at the limit' },
  { name: 'maxBuildSources', what: "a tag's files read as the sources of an npm package's built code", beyond: 'the rest are not read: what only they name is reported as missing from the sources (fails closed)' },
  { name: 'maxBuildSourceChars', what: 'characters of those sources read', beyond: 'as maxBuildSources' },
]

const shown = (value: number): string =>
  value >= GiB && value % GiB === 0 ? `${value / GiB} GiB` : value >= MiB && value % MiB === 0 ? `${value / MiB} MiB` : value.toLocaleString('en-US')

/** The table as plain text, for `--help`. */
export function limitsHelp(): string {
  const width = Math.max(...ROWS.map((r) => r.name.length))
  return ['Limits (see docs/limits.md):', ...ROWS.map((r) => `  ${r.name.padEnd(width)}  ${shown(LIMITS[r.name]).padStart(9)}  ${r.what}`)].join('\n')
}

/** The table as Markdown, for docs/limits.md (a test keeps the page in step). */
export function limitsMarkdown(): string {
  return ['| limit | value | what it bounds | beyond it |', '|---|---|---|---|', ...ROWS.map((r) => `| \`${r.name}\` | ${shown(LIMITS[r.name])} | ${r.what} | ${r.beyond} |`)].join('\n')
}

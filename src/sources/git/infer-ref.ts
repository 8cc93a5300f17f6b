import { StagelightError } from '../../errors.js'

/**
 * Release tags and artifact names both read as `<name><sep><version>`, with the separator and
 * the version's own separators varying (`xz-5.6.1`, `v5.6.1`, `foo_1_2_3`, `@scope/foo@1.2.3`,
 * `release/1.2.3`). Both sides are split the same way and compared on normalised versions.
 */

/** Suffixes that package a tree rather than name it. */
const ARCHIVE_SUFFIX = /\.(?:tar|tgz|tbz2?|txz|tzst|tlz|taz|gz|xz|bz2|zst|zstd|lz|lzma|lz4|zip|7z|gem|crate|jar|nupkg|asc|sig|sign|orig(?:-[A-Za-z0-9-]+)?)$|\.Z$/i

/** Words that mean "a release" rather than naming the project: `release-1.2`, `rel_1_2`, `v1.2`. */
const GENERIC_WORDS = new Set(['v', 'r', 'rel', 'release', 'releases', 'version', 'ver', 'tag', 'tags', 'stable', 'upstream'])

/** Trailing version words that say how the release was packed, not which one it is. */
const PACKING_WORDS = new Set(['src', 'source', 'sources', 'dist', 'orig', 'full', 'final', 'tar'])

/** Debian repack markers: `1.2.3+dfsg`, `1.2.3+ds1`, `1.2.3+repack2`. */
const REPACK_SUFFIX = /[+~](?:dfsg|ds|repack)\d*(?:\.\d+)?$/i

export interface NameVersion {
  /** the project name, lower-cased, letters and digits only ('' when absent) */
  readonly nameKey: string
  /** the last path segment's name key (`packages/foo/v1.0` → `foo`) */
  readonly lastSegmentKey: string
  /** the version's tokens: runs of digits and runs of letters (`1.0.0-rc.1` → 1,0,0,rc,1) */
  readonly tokens: readonly string[]
}

const keyOf = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '')

export const versionTokens = (version: string): string[] => {
  const tokens = version.toLowerCase().match(/\d+|[a-z]+/g) ?? []
  while (tokens.length > 1 && PACKING_WORDS.has(tokens[tokens.length - 1] ?? '')) tokens.pop()
  return tokens
}

const isAlnum = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9]/.test(ch)
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9'

/** The name part before a version, with separators and generic release words removed from its end. */
function namePart(prefix: string): string {
  let name = prefix
  for (;;) {
    const trimmed = name.replace(/[^A-Za-z0-9]+$/, '')
    const word = /(?:^|[^A-Za-z0-9])([A-Za-z]+)$/.exec(trimmed)
    if (word?.[1] && GENERIC_WORDS.has(word[1].toLowerCase())) name = trimmed.slice(0, trimmed.length - word[1].length)
    else return trimmed
  }
}

/**
 * How `text` splits into a name and a version: the version starts at the first digit that follows
 * a separator (or the start, or a generic word such as `v`) and is not part of a number already
 * begun, so `name_1_2_3` reads as `name` + `1_2_3` and `foo2-1.0` as `foo2` + `1.0`.
 */
export function splitNameVersion(text: string): NameVersion | undefined {
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text[i]) || (isAlnum(text[i - 1]) && !gluedGenericWord(text, i))) continue
    const tokens = versionTokens(text.slice(i).replace(REPACK_SUFFIX, ''))
    if (tokens.length === 0) return undefined
    const name = namePart(text.slice(0, i))
    const lastSegment = name.slice(name.lastIndexOf('/') + 1)
    return { nameKey: keyOf(name), lastSegmentKey: keyOf(lastSegment), tokens }
  }
  return undefined
}

/** A digit directly after a generic word (`v1.2`, `release1.2`), the word itself standing alone. */
function gluedGenericWord(text: string, digitAt: number): boolean {
  const m = /(?:^|[^A-Za-z0-9])([A-Za-z]+)$/.exec(text.slice(0, digitAt))
  return m?.[1] !== undefined && GENERIC_WORDS.has(m[1].toLowerCase())
}

/** The artifact's base name without directories and archive suffixes: `/x/foo_1.2.orig.tar.xz` → `foo_1.2`. */
export function artifactStem(artifactName: string): string {
  let stem = artifactName.replace(/[/\\]+$/, '')
  stem = stem.slice(Math.max(stem.lastIndexOf('/'), stem.lastIndexOf('\\')) + 1)
  stem = stem.replace(/^npm:/, '')
  for (let previous = ''; previous !== stem; ) {
    previous = stem
    stem = stem.replace(ARCHIVE_SUFFIX, '')
  }
  return stem
}

/** How well a tag's name fits the artifact's: 3 same project, 2 generic release tag, 1 loosely related, 0 other. */
function nameFit(artifact: NameVersion, tag: NameVersion): number {
  if (artifact.nameKey !== '' && (tag.nameKey === artifact.nameKey || tag.lastSegmentKey === artifact.nameKey)) return 3
  if (tag.nameKey === '') return 2
  if (artifact.nameKey === '') return 1
  const [shorter, longer] = tag.lastSegmentKey.length < artifact.nameKey.length ? [tag.lastSegmentKey, artifact.nameKey] : [artifact.nameKey, tag.lastSegmentKey]
  return shorter.length >= 2 && longer.includes(shorter) ? 1 : 0
}

const sameTokens = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((t, i) => t === b[i])

/** Version closeness, larger is closer: shared leading tokens, then the gap at the first difference. */
function closeness(a: readonly string[], b: readonly string[]): [number, number] {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (i === a.length && i === b.length) return [i, 0]
  const x = a[i]
  const y = b[i]
  const gap = isDigit(x?.[0]) && isDigit(y?.[0]) ? Math.abs(Number(x) - Number(y)) : Number.MAX_SAFE_INTEGER
  return [i, -Math.min(gap, Number.MAX_SAFE_INTEGER) - Math.abs(a.length - b.length)]
}

const MAX_CANDIDATES = 8

const compareScores = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

/** Newest version first: numbers compared as numbers, a release before its pre-releases. */
const byVersionDescending = (a: readonly string[], b: readonly string[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined) return isDigit(y?.[0]) ? 1 : -1
    if (y === undefined) return isDigit(x[0]) ? -1 : 1
    if (isDigit(x[0]) && isDigit(y[0])) return Number(y) - Number(x)
    if (isDigit(x[0]) !== isDigit(y[0])) return isDigit(x[0]) ? -1 : 1
    return y.localeCompare(x)
  }
  return 0
}

/** The tags whose versions are nearest the artifact's (or the newest, when the artifact has none). */
function closestTags(tags: readonly string[], artifact: NameVersion | undefined): string[] {
  const versioned = tags.flatMap((tag) => {
    const split = splitNameVersion(tag)
    return split ? [{ tag, split }] : []
  })
  if (!artifact) {
    return versioned
      .sort((x, y) => byVersionDescending(x.split.tokens, y.split.tokens) || x.tag.localeCompare(y.tag))
      .slice(0, MAX_CANDIDATES)
      .map((v) => v.tag)
  }
  return versioned
    .map(({ tag, split }) => ({ tag, score: [...closeness(artifact.tokens, split.tokens), nameFit(artifact, split)] }))
    .sort((x, y) => compareScores(y.score, x.score) || x.tag.localeCompare(y.tag))
    .slice(0, MAX_CANDIDATES)
    .map((s) => s.tag)
}

/**
 * The tag an artifact was most likely released from, judged by its file or directory name.
 * Fails with E_INPUT_NOT_FOUND (listing the closest tags) when no tag carries the artifact's
 * version, and with E_USAGE when several tags fit equally well.
 */
export function inferRef(tags: readonly string[], artifactName: string): string {
  const artifact = splitNameVersion(artifactStem(artifactName))
  if (!artifact) {
    throw new StagelightError('E_INPUT_NOT_FOUND', `no version found in the artifact name ${JSON.stringify(artifactName)}; pass --ref to name the tag it was released from`, {
      artifact: artifactName,
      candidates: closestTags(tags, undefined),
    })
  }
  const fits = new Map<string, number>()
  for (const tag of tags) {
    const split = splitNameVersion(tag)
    if (split && sameTokens(artifact.tokens, split.tokens)) fits.set(tag, nameFit(artifact, split))
  }
  const best = Math.max(0, ...fits.values())
  const winners = [...fits].filter(([, fit]) => fit === best && fit > 0).map(([tag]) => tag)
  const [only] = winners
  if (only !== undefined && winners.length === 1) return only
  if (winners.length > 1) {
    throw new StagelightError('E_USAGE', `the artifact name ${JSON.stringify(artifactName)} fits several tags equally (ambiguous: ${winners.join(', ')}); pass --ref to choose one`, { artifact: artifactName, candidates: winners })
  }
  const candidates = closestTags(tags, artifact)
  throw new StagelightError('E_INPUT_NOT_FOUND', `no tag matches the version of ${JSON.stringify(artifactName)}${candidates.length ? ` (closest: ${candidates.slice(0, 3).join(', ')})` : ''}; pass --ref to name the tag it was released from`, {
    artifact: artifactName,
    candidates,
  })
}

import { readFile } from 'node:fs/promises'
import { StagelightError } from '../errors.js'
import { isJsonObject as isPlainObject } from '../util/json.js'

/**
 * Every threshold `stagelight history` judges with, in one documented object. A JSON file given
 * with `--config` overrides any subset of these keys (unknown keys are an error, so a typo never
 * silently leaves a default in place).
 */
export interface HistoryPolicy {
  /** share of contributions (commits) the bus-factor author set must cover */
  readonly busFactorCoverage: number
  /** Avelino et al. (2016): an author of a file has a normalised degree of authorship above this… */
  readonly doaNormalizedThreshold: number
  /** …and an absolute degree of authorship of at least this */
  readonly doaAbsoluteThreshold: number
  /** truck factor: authors are removed until more than this share of files is orphaned */
  readonly truckFactorOrphanShare: number
  /** an identity whose first commit comes this many days after the project's first is a newcomer */
  readonly newcomerAfterDays: number
  /** the founding period: people whose first commit comes this many days into the project build it, they do not take it over */
  readonly foundingDays: number
  /** powers gained within this many days of an identity's first commit count as a rise to judge */
  readonly escalationWindowDays: number
  /** power within this many days of the first commit adds a signal of its own */
  readonly escalationFastDays: number
  /** an established maintainer's share falling by at least this (absolute) is a signal */
  readonly incumbentShareDrop: number
  /** the incumbents count as "established" only if they held at least this share before the newcomer */
  readonly incumbentMinShare: number
  /** escalation signals needed for each severity (co-occurrence, never a single signal) */
  readonly escalationScore: { readonly low: number; readonly medium: number; readonly high: number; readonly critical: number }
  /** a maintainer is long-standing after this many days between first and last commit */
  readonly longStandingDays: number
  /** a maintainer needs at least this share of all commits to be judged for fatigue */
  readonly maintainerMinShare: number
  /** fatigue: activity in the last year dropped by at least this fraction against the year before */
  readonly fatigueDrop: number
  /** a newcomer's rise: the incumbent's commits in the year before fell by at least this fraction against the two years before */
  readonly incumbentFadeDrop: number
  /** fatigue: a silence of at least this many days (current or in the last two years) */
  readonly fatigueSilenceDays: number
  /** load concentration: one identity doing at least this share of the last year's commits */
  readonly concentrationShare: number
  /** single point of failure: bus factor 1 over at least this many consecutive most recent windows */
  readonly spofWindows: number
  /** release-manager change: a project that already had this many release managers rotates by policy */
  readonly rotationMinManagers: number
  /** tag names that count as releases */
  readonly releaseTagPattern: string
  /** committer e-mails that are merge bots or forges, never a person given commit access */
  readonly forgeCommitters: readonly string[]
  /** diff lines examined per commit for weakened defences and URL changes (bounded memory) */
  readonly maxDiffLinesPerCommit: number
  /** notable power events listed as info findings at most */
  readonly maxEventFindings: number
}

export const DEFAULT_POLICY: HistoryPolicy = {
  busFactorCoverage: 0.5,
  doaNormalizedThreshold: 0.75,
  doaAbsoluteThreshold: 3.293,
  truckFactorOrphanShare: 0.5,
  newcomerAfterDays: 180,
  foundingDays: 730,
  escalationWindowDays: 1095,
  escalationFastDays: 30,
  incumbentShareDrop: 0.3,
  incumbentMinShare: 0.5,
  escalationScore: { low: 2, medium: 3, high: 5, critical: 7 },
  longStandingDays: 730,
  maintainerMinShare: 0.2,
  fatigueDrop: 0.7,
  incumbentFadeDrop: 0.5,
  fatigueSilenceDays: 180,
  concentrationShare: 0.8,
  spofWindows: 4,
  rotationMinManagers: 3,
  // a name and version, with any path-like prefix: v1.2.3, LANG_3_2_RC1, rel/commons-lang-3.14.0, releases/2.0
  releaseTagPattern: '^(?:[A-Za-z_/-]*[-_/]?)?v?\\d+(?:[._]\\d+)+(?:[-._+~]?[0-9A-Za-z.]+)?$',
  forgeCommitters: ['noreply@github.com', 'noreply@gitlab.com', 'gitlab@localhost', 'bors@rust-lang.org'],
  maxDiffLinesPerCommit: 20_000,
  maxEventFindings: 30,
}

/** Merges a parsed JSON override into the defaults, checking every key's type. */
export function mergePolicy(override: unknown, base: HistoryPolicy = DEFAULT_POLICY, origin = 'policy'): HistoryPolicy {
  if (!isPlainObject(override)) throw new StagelightError('E_USAGE', `${origin}: expected a JSON object of history policy settings`)
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base)) throw new StagelightError('E_USAGE', `${origin}: unknown history policy setting ${key} (known: ${Object.keys(base).join(', ')})`)
    const current = (base as unknown as Record<string, unknown>)[key]
    if (key === 'escalationScore') {
      if (!isPlainObject(value)) throw new StagelightError('E_USAGE', `${origin}: escalationScore must be an object`)
      const merged: Record<string, unknown> = { ...base.escalationScore }
      for (const [level, n] of Object.entries(value)) {
        if (!(level in merged) || typeof n !== 'number') throw new StagelightError('E_USAGE', `${origin}: escalationScore.${level} must be one of low, medium, high, critical with a number`)
        merged[level] = n
      }
      out[key] = merged
    } else if (Array.isArray(current)) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new StagelightError('E_USAGE', `${origin}: ${key} must be an array of strings`)
      out[key] = value
    } else if (typeof value !== typeof current || (typeof value === 'number' && !Number.isFinite(value))) {
      throw new StagelightError('E_USAGE', `${origin}: ${key} must be a ${typeof current}`)
    } else out[key] = value
  }
  const policy = out as unknown as HistoryPolicy
  try {
    new RegExp(policy.releaseTagPattern)
  } catch {
    throw new StagelightError('E_USAGE', `${origin}: releaseTagPattern is not a valid regular expression`)
  }
  return policy
}

/** The defaults, overridden by a JSON config file when given. */
export async function loadPolicy(file: string | undefined): Promise<HistoryPolicy> {
  if (file === undefined) return DEFAULT_POLICY
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new StagelightError('E_INPUT_NOT_FOUND', `config ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { config: file })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new StagelightError('E_USAGE', `config ${file} is not valid JSON: ${(err as Error).message}`, { config: file })
  }
  return mergePolicy(parsed, DEFAULT_POLICY, `config ${file}`)
}

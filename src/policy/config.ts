/**
 * @fileoverview The user's policy file (`stagelight.config.json`): thresholds, allowed registries and
 * ignored findings, validated against the JSON Schema shipped in `schema/`. Ignores carry a reason
 * and an expiry date; an expired one stops applying and is itself reported.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { StagelightError } from '../errors.js'
import type { Finding, Severity } from '../model/finding.js'

export const CONFIG_FILE = 'stagelight.config.json'

export interface IgnoreEntry {
  readonly rule: string
  readonly package?: string
  readonly reason: string
  readonly expires: string
}

export interface StagelightConfig {
  readonly failOn?: Severity | 'none'
  readonly audit?: {
    readonly allowedRegistries?: readonly string[]
    readonly freshPublishDays?: number
    readonly typosquatDistance?: number
    readonly ignore?: readonly IgnoreEntry[]
  }
}

const schemaUrl = [new URL('../../../schema/stagelight.config.schema.json', import.meta.url), new URL('../../schema/stagelight.config.schema.json', import.meta.url)]

function loadSchema(): Record<string, unknown> {
  for (const url of schemaUrl) {
    try {
      return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>
    } catch {
      // the other layout (dist/src/policy or src/policy)
    }
  }
  throw new StagelightError('E_INTERNAL', 'the configuration schema is missing from the installation')
}

let validator: ReturnType<Ajv['compile']> | undefined

/**
 * Reads the policy file: the one named, or `stagelight.config.json` in `dir` when it exists.
 * A named file that is missing, unreadable or invalid is a usage error with the reason.
 */
export async function loadConfig(dir: string, named?: string): Promise<{ config: StagelightConfig; path: string | undefined }> {
  const path = named ?? join(dir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (!named && (err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, path: undefined }
    throw new StagelightError('E_INPUT_NOT_FOUND', `cannot read the configuration ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new StagelightError('E_INPUT_INVALID', `${path}: not JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    ;(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv)
    validator = ajv.compile(loadSchema())
  }
  if (!validator(data)) {
    const first = validator.errors?.[0]
    throw new StagelightError('E_INPUT_INVALID', `${path}: ${first?.instancePath || '(top level)'} ${first?.message ?? 'is invalid'}${first?.params && 'additionalProperty' in first.params ? ` (${String(first.params.additionalProperty)})` : ''}`)
  }
  return { config: data as StagelightConfig, path }
}

const globMatch = (pattern: string, id: string): boolean =>
  pattern === id || (pattern.endsWith('/') && id.startsWith(pattern)) || new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(id)

function packageMatches(entry: IgnoreEntry, finding: Finding): boolean {
  if (!entry.package) return true
  const pkg = finding.data?.['package'] as { name?: string; version?: string; purl?: string } | undefined
  if (!pkg) return false
  return entry.package === pkg.name || entry.package === `${pkg.name}@${pkg.version}` || entry.package === pkg.purl
}

/** The ignores of a policy applied to findings: what stays, what was ignored, and which ignores have expired. */
export function applyIgnores(findings: readonly Finding[], ignores: readonly IgnoreEntry[], today: Date, configPath: string): { kept: Finding[]; ignored: { finding: Finding; entry: IgnoreEntry }[]; expired: Finding[] } {
  const day = today.toISOString().slice(0, 10)
  const active = ignores.filter((e) => e.expires >= day)
  const kept: Finding[] = []
  const ignored: { finding: Finding; entry: IgnoreEntry }[] = []
  for (const finding of findings) {
    const entry = active.find((e) => globMatch(e.rule, finding.ruleId) && packageMatches(e, finding))
    if (entry) ignored.push({ finding, entry })
    else kept.push(finding)
  }
  const expired = ignores
    .filter((e) => e.expires < day)
    .map(
      (e): Finding => ({
        ruleId: 'policy/expired-ignore',
        severity: 'low',
        confidence: 'high',
        path: configPath,
        message: `the ignore of ${e.rule}${e.package ? ` for ${e.package}` : ''} expired on ${e.expires} and no longer applies`,
        evidence: `reason given: ${e.reason}`,
        explanation: 'Ignores expire so that accepted risks are looked at again. Review the finding it covered; renew the ignore with a new date and reason, or fix the cause.',
        data: { ignore: e },
      }),
    )
  return { kept, ignored, expired }
}

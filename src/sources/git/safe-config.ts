/**
 * @fileoverview How git is kept from running anything an analysed repository configures.
 *
 * A repository's own configuration (`.git/config`, files it includes through `include.path` or
 * `includeIf`, `config.worktree`) is attacker-controlled: it can name filter drivers, textconv
 * and diff commands, an fsmonitor hook, a pager, an ssh command, credential helpers and more,
 * and git runs them while we only mean to read. Git has no switch to ignore a repository's
 * config, so every command-valued key the repository sets is overridden for each git process.
 *
 * The overrides travel as `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, never as
 * `-c key=value`: git splits `-c` at the first `=`, so a driver named `a=b` would survive a
 * `-c filter.a=b.smudge=` override. After building the overrides they are read back through git
 * itself; a key whose effective value is still not the safe one makes us refuse the repository.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { StagelightError } from '../../errors.js'

export type ConfigPair = readonly [key: string, value: string]

/** Settings every git process gets, whatever the repository says. */
export const BASE_OVERRIDES: readonly ConfigPair[] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.splitIndex', 'false'],
  ['core.attributesFile', '/dev/null'],
  ['index.sparse', 'false'],
  ['log.showSignature', 'false'],
  ['gpg.program', 'gpg'],
  ['gpg.openpgp.program', 'gpg'],
  ['gpg.x509.program', 'gpgsm'],
  ['gpg.ssh.program', 'ssh-keygen'],
  ['protocol.ext.allow', 'never'],
  ['i18n.logOutputEncoding', 'UTF-8'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
]

/**
 * The last part of a key (lower-cased, as git compares it) whose value git runs as a command,
 * or hands to a program it starts. `path` is left out: include paths are already resolved when
 * git lists the configuration, and browser/man paths are only used by porcelain we never call.
 */
const COMMAND_VALUED = new Map<string, string>([
  // filter drivers: clean/smudge/process run on file content (git archive runs smudge)
  ['smudge', ''],
  ['clean', ''],
  ['process', ''],
  ['required', 'false'],
  // diff, merge and tool drivers
  ['textconv', ''],
  ['command', ''],
  ['external', ''],
  ['driver', ''],
  ['cmd', ''],
  ['trustexitcode', 'false'],
  // programs git starts on its own
  ['fsmonitor', 'false'],
  ['hookspath', '/dev/null'],
  ['pager', 'cat'],
  ['editor', 'true'],
  ['askpass', ''],
  ['sshcommand', 'ssh'],
  ['gitproxy', ''],
  ['alternaterefscommand', ''],
  ['helper', ''],
  ['defaultkeycommand', ''],
  ['allowedsignersfile', '/dev/null'],
  ['uploadpack', 'git-upload-pack'],
  ['receivepack', 'git-receive-pack'],
  ['packobjectshook', ''],
  ['vcs', ''],
  ['smtpserver', ''],
  ['proxycommand', ''],
  ['browser', ''],
  ['update', 'none'],
])

/** Sections in which every key is a command (`pager.log = sh -c …`) or a tool definition. */
const COMMAND_SECTIONS = new Map<string, string>([
  ['pager', 'false'],
  ['alias', ''],
])

const PROGRAMS = new Map<string, string>([
  ['gpg.program', 'gpg'],
  ['gpg.openpgp.program', 'gpg'],
  ['gpg.x509.program', 'gpgsm'],
  ['gpg.ssh.program', 'ssh-keygen'],
])

/** Splits `section.sub.section.key` as git does: the subsection is everything between the first and the last dot. */
function partsOf(key: string): { section: string; subsection: string | undefined; name: string } | undefined {
  const first = key.indexOf('.')
  const last = key.lastIndexOf('.')
  if (first <= 0 || last === key.length - 1) return undefined
  return { section: key.slice(0, first).toLowerCase(), subsection: first === last ? undefined : key.slice(first + 1, last), name: key.slice(last + 1).toLowerCase() }
}

/** The safe value for a key the repository sets, or undefined when the key runs nothing. */
export function safeValueFor(key: string): string | undefined {
  const parts = partsOf(key)
  if (!parts) return undefined
  const canonical = `${parts.section}${parts.subsection === undefined ? '' : `.${parts.subsection.toLowerCase()}`}.${parts.name}`
  const program = PROGRAMS.get(canonical)
  if (program !== undefined) return program
  if (parts.name === 'program') return ''
  const bySection = COMMAND_SECTIONS.get(parts.section)
  if (bySection !== undefined) return bySection
  // `include.path` and `includeIf.<cond>.path` are resolved by git before it lists the keys
  if (parts.section === 'include' || parts.section === 'includeif') return undefined
  return COMMAND_VALUED.get(parts.name)
}

/** The key as git prints it in `--list`: section and name lower-cased, subsection as written. */
function normalised(key: string): string {
  const parts = partsOf(key)
  if (!parts) return key.toLowerCase()
  return parts.subsection === undefined ? `${parts.section}.${parts.name}` : `${parts.section}.${parts.subsection}.${parts.name}`
}

/** `GIT_CONFIG_*` variables carrying these pairs, in order (a later pair wins). */
export function configEnv(pairs: readonly ConfigPair[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) }
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return env
}

/** Variables passed through to git from our own environment: where programs are, locale, proxies, an ssh agent. */
const PASSED_THROUGH = ['PATH', 'HOME', 'TMPDIR', 'http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'ALL_PROXY', 'all_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'SSH_AUTH_SOCK']

/**
 * The fixed environment of every git process: nothing inherited but the variables above, no
 * system or personal configuration (they are not part of what is analysed, and a personal
 * filter such as git-lfs would change the bytes we compare), no prompts, no replace refs.
 */
export function fixedGitEnv(pairs: readonly ConfigPair[], extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const name of PASSED_THROUGH) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    LANGUAGE: 'C',
    ...configEnv(pairs),
    ...extra,
  }
}

/** Keys of the configuration git sees for this repository (local, worktree and included files). */
function listKeys(gitDir: string, pairs: readonly ConfigPair[]): Map<string, string> {
  const r = spawnSync('git', [`--git-dir=${gitDir}`, 'config', '--null', '--list', '--includes'], { cwd: gitDir, env: fixedGitEnv(pairs), maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw r.error
  if (r.status !== 0) {
    const why = (r.stderr?.toString('utf8') ?? '').split('\n').find((l) => l.trim()) ?? 'git config failed'
    throw new StagelightError('E_INPUT_INVALID', `cannot read the configuration of ${gitDir}: ${why.replace(/^(fatal|error):\s*/, '')}`, { gitDir })
  }
  const values = new Map<string, string>()
  for (const item of r.stdout.toString('utf8').split('\0')) {
    if (item === '') continue
    const nl = item.indexOf('\n')
    // the last value of a key is the one git uses
    values.set(nl < 0 ? item : item.slice(0, nl), nl < 0 ? '' : item.slice(nl + 1))
  }
  return values
}

const cache = new Map<string, readonly ConfigPair[]>()

/**
 * The overrides for one repository: the base settings plus a safe value for every
 * command-valued key its configuration sets. Checked by reading the configuration back through
 * git with the overrides applied; a key that still holds something else is a refusal.
 */
export function overridesFor(gitDir: string): readonly ConfigPair[] {
  const dir = resolve(gitDir)
  const known = cache.get(dir)
  if (known) return known
  const seen = listKeys(dir, BASE_OVERRIDES)
  const pairs: ConfigPair[] = [...BASE_OVERRIDES]
  const expected = new Map<string, string>(BASE_OVERRIDES.map(([k, v]) => [normalised(k), v]))
  for (const key of seen.keys()) {
    const safe = safeValueFor(key)
    if (safe === undefined) continue
    pairs.push([key, safe])
    expected.set(normalised(key), safe)
  }
  // with nothing to switch off, the listing above was already made under these very overrides
  const effective = pairs.length === BASE_OVERRIDES.length ? seen : listKeys(dir, pairs)
  for (const [key, value] of effective) {
    const safe = safeValueFor(key)
    const want = expected.get(normalised(key)) ?? safe
    if (want !== undefined && value !== want)
      throw new StagelightError('E_INPUT_INVALID', `refusing ${gitDir}: its git configuration sets ${JSON.stringify(key)}, which runs a command, and it could not be switched off`, { gitDir, key })
  }
  cache.set(dir, pairs)
  return pairs
}

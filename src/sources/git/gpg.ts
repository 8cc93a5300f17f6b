import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StagelightError } from '../../errors.js'
import { run, type RunResult } from '../../util/run.js'

export interface SignatureCheck {
  readonly valid: boolean
  readonly detail: string
  /** the fingerprint of the key that made a good signature */
  readonly fingerprint?: string
}

/**
 * Options for every gpg call: never prompt, never start an agent or dirmngr, never fetch keys,
 * and treat the given keyring as the only trust anchor.
 */
const GPG_OPTIONS = ['--batch', '--no-tty', '--no-autostart', '--no-auto-key-retrieve', '--no-auto-key-locate', '--trust-model', 'always', '--status-fd', '1']

async function gpg(home: string, args: readonly string[]): Promise<RunResult> {
  try {
    return await run('gpg', ['--homedir', home, ...GPG_OPTIONS, ...args], { timeoutMs: 60_000, env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' } })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StagelightError('E_TOOL_MISSING', 'gpg is not installed or not on PATH; it is needed to check tag signatures against --keyring', { tool: 'gpg' }, { cause: err })
    throw err
  }
}

interface Status {
  readonly keyword: string
  readonly args: readonly string[]
}

const statusLines = (stdout: Buffer): Status[] =>
  stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => {
      const [keyword = '', ...args] = l.slice('[GNUPG:] '.length).split(' ')
      return { keyword, args }
    })

/** `IMPORT_RES <count> <no_user_id> <imported> <imported_rsa> <unchanged> ...`: keys imported or already present. */
const keysImported = (statuses: readonly Status[]): number => {
  const res = statuses.find((s) => s.keyword === 'IMPORT_RES')
  if (!res) return 0
  return Number(res.args[2] ?? 0) + Number(res.args[4] ?? 0)
}

/** Turns gpg's machine-readable verification status into a verdict and one line of explanation. */
export function interpretVerifyStatus(statuses: readonly Status[]): SignatureCheck {
  const find = (keyword: string) => statuses.find((s) => s.keyword === keyword)
  const uid = (s: Status | undefined) => s?.args.slice(1).join(' ') ?? ''
  const good = find('GOODSIG')
  const validSig = find('VALIDSIG')
  // VALIDSIG: <signing key fpr> <date> <ts> <expire> <version> <reserved> <pk algo> <hash algo> <class> <primary key fpr>
  const fingerprint = validSig?.args[9] ?? validSig?.args[0]
  const bad = find('BADSIG')
  if (bad) return { valid: false, detail: `BAD signature from ${uid(bad) || 'key'} (key id ${bad.args[0] ?? '?'}): the tag does not match what was signed` }
  for (const [keyword, why] of [
    ['EXPKEYSIG', 'made by a key that has expired'],
    ['REVKEYSIG', 'made by a key that has been revoked'],
    ['EXPSIG', 'expired'],
  ] as const) {
    const s = find(keyword)
    if (s) return { valid: false, detail: `signature from ${uid(s) || 'key'} (key id ${s.args[0] ?? '?'}) is ${why}${fingerprint ? `; key fingerprint ${fingerprint}` : ''}`, ...(fingerprint ? { fingerprint } : {}) }
  }
  const noKey = find('NO_PUBKEY')
  if (noKey) return { valid: false, detail: `the signing key ${noKey.args[0] ?? ''} is not in the keyring` }
  const err = find('ERRSIG')
  if (err) return { valid: false, detail: `the signature could not be checked (gpg error ${err.args[5] ?? '?'} for key id ${err.args[0] ?? '?'})` }
  if (good && validSig && fingerprint) return { valid: true, detail: `good signature from ${uid(good)}, key fingerprint ${fingerprint}`, fingerprint }
  return { valid: false, detail: 'gpg did not report a good signature' }
}

/** A keyring must be a readable file; checked before anything else so a typo is reported as such. */
export async function checkKeyringFile(keyringPath: string): Promise<void> {
  let isFile: boolean
  try {
    isFile = (await stat(keyringPath)).isFile()
  } catch (err) {
    throw new StagelightError('E_INPUT_NOT_FOUND', `keyring ${keyringPath} does not exist`, { keyring: keyringPath }, { cause: err })
  }
  if (!isFile) throw new StagelightError('E_INPUT_INVALID', `keyring ${keyringPath} is not a file`, { keyring: keyringPath })
}

/**
 * Verifies a detached OpenPGP signature over `payload` against the keys in `keyringPath` alone,
 * in a throw-away GNUPGHOME so the user's own keys and trust settings play no part.
 */
export async function verifyWithKeyring(payload: Buffer, signature: Buffer, keyringPath: string): Promise<SignatureCheck> {
  await checkKeyringFile(keyringPath)
  const home = await mkdtemp(join(tmpdir(), 'stagelight-gpg-'))
  try {
    const imported = await gpg(home, ['--import', keyringPath])
    if (keysImported(statusLines(imported.stdout)) === 0) throw new StagelightError('E_INPUT_INVALID', `keyring ${keyringPath} holds no OpenPGP public key that gpg could import`, { keyring: keyringPath })
    const sigPath = join(home, 'tag.sig')
    const payloadPath = join(home, 'tag.payload')
    await writeFile(sigPath, signature)
    await writeFile(payloadPath, payload)
    const verified = await gpg(home, ['--verify', sigPath, payloadPath])
    return interpretVerifyStatus(statusLines(verified.stdout))
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

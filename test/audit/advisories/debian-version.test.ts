import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { compareDebianVersions, debianVersionProblem, parseDebianVersion } from '../../../src/audit/advisories/index.js'

/** Asks the real dpkg about every pair in one shell: `<`, `=`, `>` per line, `E<code>` when dpkg refuses. */
function dpkgCompare(pairs: readonly (readonly [string, string])[]): Promise<string[]> {
  const script = `
while IFS=' ' read -r a b; do
  dpkg --compare-versions "$a" lt "$b" 2>/dev/null; r=$?
  if [ $r -eq 0 ]; then echo '<'
  elif [ $r -eq 1 ]; then if dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo '='; else echo '>'; fi
  else echo "E$r"; fi
done`
  // asynchronous: a thousand dpkg runs take minutes on a loaded machine, and a blocked worker cannot report to the test runner
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stdout.trim().split('\n')) : reject(new Error(`dpkg loop failed: ${stderr}`))))
    child.stdin.end(pairs.map(([a, b]) => `${a} ${b}`).join('\n') + '\n')
  })
}

const symbol = (n: number): string => (n < 0 ? '<' : n > 0 ? '>' : '=')

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CLASSIC: readonly (readonly [string, string, number])[] = [
  ['1.0~rc1', '1.0', -1],
  ['1.0~~', '1.0~', -1],
  ['1.0~', '1.0', -1],
  ['1.0', '1.0+', -1],
  ['1:0.1', '2.0', 1],
  ['0:2.0', '2.0', 0],
  ['1.0-1', '1.0', 1],
  ['1.0', '1.0-0', 0],
  ['1.0-0', '1.0-', 0],
  ['5.6.1-1', '5.6.1+really5.4.5-1', -1],
  ['5.4.5-0.3', '5.6.0-0.1', -1],
  ['5.6.1+really5.4.5-1', '5.6.0-0.1', 1],
  ['2.0a', '2.0+', -1],
  ['2.0a', '2.0.1', -1],
  ['2.0', '2.0a', -1],
  ['1.01', '1.1', 0],
  ['1.001', '1.1', 0],
  ['1.10', '1.9', 1],
  ['1.2.3', '1.2.3.0', -1],
  ['1.0-1~bpo1', '1.0-1', -1],
  ['1.0-1+deb12u1', '1.0-1', 1],
  ['1.0-1+b1', '1.0-1.1', -1],
  ['2:1.0', '1:9.9', 1],
  ['10:1', '9:1', 1],
  ['1.0a', '1.0B', 1],
  ['1.0+dfsg', '1.0.dfsg', -1],
  ['1.0~beta1~git', '1.0~beta1', -1],
  ['7.6p2-4', '7.6-0', 1],
  ['1.0.0', '1.0', 1],
  ['0.0', '0', 1],
  ['1-2-3', '1-2', 1],
  ['1:1.0-1', '1:1.0-1', 0],
  ['99999999999999999999', '99999999999999999998', 1],
  ['000000000000000000001', '1', 0],
]

const UPSTREAM_TOKENS = ['0', '1', '2', '9', '10', '01', '100', 'a', 'b', 'z', 'A', 'Z', 'rc', 'beta', 'dfsg', '.', '.', '+', '~', '~', '-']
const REVISION_TOKENS = ['0', '1', '2', '10', '01', 'a', 'b', 'deb12u', 'ubuntu', 'bpo', '.', '+', '~', '~']

function randomVersion(rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const epoch = rand() < 0.25 ? `${pick(['0', '1', '2', '10', '01'])}:` : ''
  const hasRevision = rand() < 0.6
  let upstream = pick(['0', '1', '2', '10', '1.0', '2.0'])
  for (let n = Math.floor(rand() * 5); n > 0; n--) {
    const token = pick(UPSTREAM_TOKENS)
    if (token === '-' && !hasRevision) continue
    upstream += token
  }
  if (epoch && rand() < 0.1) upstream += ':1'
  let revision = ''
  if (hasRevision) {
    revision = pick(['0', '1', '2', '0.1', 'a', '1ubuntu1'])
    for (let n = Math.floor(rand() * 3); n > 0; n--) revision += pick(REVISION_TOKENS)
  }
  return `${epoch}${upstream}${hasRevision ? `-${revision}` : ''}`
}

/** Versions one edit away from `v`: where the ordering rules bite. */
function neighbours(v: string): string[] {
  const hyphen = v.lastIndexOf('-')
  const upstreamEnd = hyphen >= 0 ? hyphen : v.length
  const insertUpstream = (s: string): string => v.slice(0, upstreamEnd) + s + v.slice(upstreamEnd)
  return [
    insertUpstream('~'),
    insertUpstream('~rc1'),
    insertUpstream('+'),
    insertUpstream('a'),
    insertUpstream('.0'),
    insertUpstream('0'),
    `${v}~`,
    `${v}+b1`,
    `${v}.1`,
    v.includes(':') ? v.replace(/^\d+:/, '') : `0:${v}`,
    v.replace(/(\d+)/, (d) => `0${d}`),
    v.replace(/(\d+)(?!.*\d)/, (d) => String(Number(d) + 1)),
    hyphen >= 0 ? v.slice(0, hyphen) : `${v}-0`,
  ].filter((n) => debianVersionProblem(n) === undefined)
}

describe('parseDebianVersion', () => {
  it('splits epoch at the first colon and revision at the last hyphen', () => {
    expect(parseDebianVersion('1:2.0-3-4')).toEqual({ epoch: '1', upstream: '2.0-3', revision: '4' })
    expect(parseDebianVersion('2.0')).toEqual({ epoch: '0', upstream: '2.0', revision: '' })
    expect(parseDebianVersion('1:2:3-1')).toEqual({ epoch: '1', upstream: '2:3', revision: '1' })
  })

  it('names what dpkg would refuse', () => {
    expect(debianVersionProblem('1.0-1')).toBeUndefined()
    expect(debianVersionProblem('a1.0')).toMatch(/start with a digit/)
    expect(debianVersionProblem('x:1.0')).toMatch(/epoch/)
    expect(debianVersionProblem('1.0-')).toMatch(/empty revision/)
    expect(debianVersionProblem('1.0_1')).toMatch(/invalid character/)
    expect(debianVersionProblem('')).toMatch(/empty/)
  })
})

describe('compareDebianVersions', () => {
  it('orders the classic cases', () => {
    for (const [a, b, expected] of CLASSIC) {
      expect(compareDebianVersions(a, b), `${a} vs ${b}`).toBe(expected)
      expect(compareDebianVersions(b, a), `${b} vs ${a}`).toBe(expected === 0 ? 0 : -expected)
    }
  })

  it('agrees with dpkg --compare-versions on the classic cases', async () => {
    const pairs = CLASSIC.filter(([a, b]) => debianVersionProblem(a) === undefined && debianVersionProblem(b) === undefined).map(([a, b]) => [a, b] as const)
    const dpkg = await dpkgCompare(pairs)
    pairs.forEach(([a, b], i) => expect(symbol(compareDebianVersions(a, b)), `${a} vs ${b}`).toBe(dpkg[i]))
  })

  it('agrees with dpkg --compare-versions on over a thousand generated pairs', async () => {
    const rand = prng(20240329)
    const pairs: (readonly [string, string])[] = []
    const pool: string[] = []
    while (pool.length < 300) {
      const v = randomVersion(rand)
      if (debianVersionProblem(v) === undefined) pool.push(v)
    }
    for (let i = 0; i < 500; i++) pairs.push([pool[Math.floor(rand() * pool.length)] as string, pool[Math.floor(rand() * pool.length)] as string])
    for (const v of pool.slice(0, 80)) for (const n of neighbours(v)) pairs.push(rand() < 0.5 ? [v, n] : [n, v])
    for (const [a, b] of CLASSIC) for (const n of [...neighbours(a), ...neighbours(b)]) pairs.push([a, n])
    expect(pairs.length).toBeGreaterThan(1000)
    const dpkg = await dpkgCompare(pairs)
    expect(dpkg.filter((r) => r.startsWith('E'))).toEqual([])
    const mismatches = pairs.flatMap(([a, b], i) => (symbol(compareDebianVersions(a, b)) === dpkg[i] ? [] : [`${a} ${dpkg[i]} ${b} (ours ${symbol(compareDebianVersions(a, b))})`]))
    expect(mismatches).toEqual([])
    const outcomes = new Set(dpkg)
    expect([...outcomes].sort()).toEqual(['<', '=', '>'])
  }, 600_000)
})

/*
 * Benchmark of `stagelight verify`: median wall time and peak memory against the raw floor
 * measured in the same run (`tar -x` of the artifact plus `git archive | tar -x` of the tag) and
 * against diffoscope on the same pair.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { buildSampleRelease } from '../src/demo/project.js'
import { generateRelease } from './generate.js'
import { bin, flag, fmt, has, log, mib, quick, repeat, root } from './common.js'
import { measure, median, type Sample } from './measure.js'

const runs = flag('--runs', quick ? 1 : 3)
const diffoscopeTimeout = flag('--diffoscope-timeout', 600)

interface Input {
  readonly label: string
  readonly repo: string
  readonly tag: string
  readonly tarball: string
  readonly extraArgs?: readonly string[]
}

async function floor(input: Input): Promise<Sample> {
  const a = mkdtempSync(join(root, 'floor-a-'))
  const b = mkdtempSync(join(root, 'floor-b-'))
  try {
    return await measure('sh', ['-c', 'tar -xf "$1" -C "$2" && git --git-dir "$3/.git" archive "$4" | tar -x -C "$5"', 'sh', input.tarball, a, input.repo, input.tag, b])
  } finally {
    rmSync(a, { recursive: true, force: true })
    rmSync(b, { recursive: true, force: true })
  }
}

async function diffoscope(input: Input): Promise<Sample | undefined> {
  if (!has('diffoscope')) return undefined
  const source = join(root, `${input.label.replace(/\W+/g, '-')}-source.tar.gz`)
  execFileSync('sh', ['-c', 'git --git-dir "$1/.git" archive --format=tar.gz -o "$2" "$3"', 'sh', input.repo, source, input.tag])
  return measure('diffoscope', ['--no-progress', '--text', '/dev/null', input.tarball, source], { timeoutMs: diffoscopeTimeout * 1000 })
}


async function bench(input: Input, n: number): Promise<void> {
  log(`• ${input.label}: ${n} run(s)`)
  const verifyArgs = [bin, 'verify', input.tarball, '--source', input.repo, '--ref', input.tag, '--format', 'json', '--quiet', '--cache-dir', join(root, 'cache'), ...(input.extraArgs ?? [])]
  const ours = await repeat(n, () => measure(process.execPath, verifyArgs))
  const raw = await repeat(n, () => floor(input))
  const peer = quick ? undefined : await diffoscope(input)
  const last = ours[ours.length - 1]
  let verdict = '?'
  try {
    verdict = (JSON.parse(last?.stdout ?? '') as { verdict: string }).verdict
  } catch {
    verdict = 'no report'
  }
  const t = median(ours.map((s) => s.seconds))
  const f = median(raw.map((s) => s.seconds))
  console.log(`\n${input.label}`)
  console.log(`  stagelight verify   ${fmt(t).padStart(10)}  peak ${mib(median(ours.map((s) => s.peakMiB))).padStart(8)}  exit ${last?.code} verdict ${verdict}`)
  console.log(`  raw floor           ${fmt(f).padStart(10)}  (tar -x artifact + git archive | tar -x)`)
  console.log(`  ratio stagelight / floor: ${(t / f).toFixed(2)}×`)
  if (peer) {
    const shown = peer.timedOut ? `> ${diffoscopeTimeout} s (timed out)` : fmt(peer.seconds)
    console.log(`  diffoscope          ${shown.padStart(10)}  peak ${mib(peer.peakMiB).padStart(8)}`)
    console.log(`  ratio diffoscope / stagelight: ${peer.timedOut ? '>' : ''}${(peer.seconds / t).toFixed(1)}×`)
  } else if (!quick) console.log('  diffoscope: skipped (not installed: apt-get install diffoscope)')
}

/** The verify benchmark: every input, printed as it finishes. */
export async function benchVerify(): Promise<void> {
mkdirSync(root, { recursive: true })
console.log(`stagelight verify benchmark — ${cpus().length} cores, node ${process.version}, medians of ${runs} run(s)`)
const sampleRoot = join(root, 'autotools')
if (existsSync(sampleRoot)) rmSync(sampleRoot, { recursive: true, force: true })
log('• building a real autotools release (make dist)')
const sample = await buildSampleRelease(sampleRoot)
await bench({ label: `real autotools release (${sample.name} ${sample.version}, make dist)`, ...sample }, quick ? 1 : 5)
if (!quick) await bench({ label: `real autotools release, --regenerate`, ...sample, extraArgs: ['--regenerate'] }, 3)
const sizes: [number, number][] = quick ? [[2000, 20]] : [[5000, 50], [20000, 200]]
for (const [files, mb] of sizes) {
  log(`• generating a ${files}-file, ${mb} MB release (cached in ${root})`)
  const g = generateRelease(root, files, mb)
  await bench({ label: `generated release: ${files} files, ${mb} MB`, ...g }, runs)
}
}

/** @fileoverview What every benchmark shares: its arguments, its working directory, the CLI it runs. */
import { execFileSync } from 'node:child_process'
import { tmpdir, homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sample } from './measure.js'

export const argv = process.argv.slice(2)
export const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name)
  return i >= 0 ? Number(argv[i + 1]) : fallback
}
export const option = (name: string): string | undefined => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}
export const quick = argv.includes('--quick')
export const root = process.env.STAGELIGHT_BENCH_DIR ?? join(tmpdir(), 'stagelight-bench')
/**
 * Where the real-world corpora find their upstream clones (never committed): `--mirrors DIR` or
 * STAGELIGHT_MIRRORS, holding `<owner>+<name>/repo`, `<owner>+<name>` or `<owner>/<name>`.
 */
export const mirrorsDir = option('--mirrors') ?? process.env.STAGELIGHT_MIRRORS ?? join(homedir(), '.cache', 'stagelight-corpus', 'mirrors')
export const bin = fileURLToPath(new URL('../../bin/stagelight.js', import.meta.url))
export const log = (m: string): void => {
  process.stderr.write(`${m}\n`)
}
export const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export async function repeat(n: number, once: () => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = []
  for (let i = 0; i < n; i++) out.push(await once())
  return out
}

export const fmt = (s: number): string => `${s.toFixed(2)} s`
export const mib = (m: number): string => `${m.toFixed(0)} MiB`

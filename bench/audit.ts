/*
 * Benchmark of `stagelight audit` on a real lockfile of 1,000+ packages: a cold run (empty cache,
 * every document from the registry) and a warm run (cache), with requests made and peak memory,
 * against `npm ls --all --json` (the floor for reading the tree) and `npm audit --json` where the
 * registry answers it, measured in the same run.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { bin, fmt, log, mib, quick, repeat, root } from './common.js'
import { measure, median } from './measure.js'

const PACKAGES = ['webpack', 'webpack-cli', '@babel/core', '@babel/preset-env', 'eslint', 'jest', 'typescript', 'express', 'lodash', 'axios', 'vite', 'rollup', 'mocha', 'sinon', 'yargs', 'karma', 'gulp', 'grunt', 'puppeteer-core', 'sass', 'postcss', 'tailwindcss', 'mongoose', 'sequelize', 'socket.io', 'nyc', 'lerna', '@angular/core', 'electron']

interface AuditReport {
  readonly facts: readonly { label: string; value: string }[]
  readonly summary: { readonly inventory: { readonly count: number } }
  readonly findings: readonly unknown[]
}

/** A project whose lockfile holds 1,000+ packages, resolved by npm itself (no install, no scripts). */
function project(): string {
  const dir = join(root, 'audit-project')
  if (!existsSync(join(dir, 'package-lock.json'))) {
    log(`• resolving a lockfile for ${PACKAGES.length} popular packages (npm install --package-lock-only)`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-audit', private: true }))
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error', ...PACKAGES], { cwd: dir, stdio: 'ignore', timeout: 900_000 })
  }
  return dir
}

export async function benchAudit(): Promise<void> {
  console.log(`\nstagelight audit benchmark — ${cpus().length} cores, node ${process.version}`)
  let dir: string
  try {
    dir = project()
  } catch (err) {
    console.log(`  skipped: could not resolve the lockfile (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`)
    return
  }
  const cache = join(root, 'audit-cache')
  const args = [bin, 'audit', dir, '--format', 'json', '--quiet', '--fail-on', 'none', '--cache-dir', cache]
  rmSync(cache, { recursive: true, force: true })
  log('• cold run (empty cache)')
  const cold = await measure(process.execPath, args)
  log('• warm runs (cache)')
  const warm = await repeat(quick ? 1 : 3, () => measure(process.execPath, args))
  const offline = await measure(process.execPath, [...args, '--offline'])
  const floor = await repeat(quick ? 1 : 3, () => measure('npm', ['ls', '--all', '--json'], { cwd: dir }))
  const npmAudit = await measure('npm', ['audit', '--json'], { cwd: dir, timeoutMs: 300_000 })
  const report = (s: { stdout: string }): AuditReport | undefined => {
    try {
      return JSON.parse(s.stdout) as AuditReport
    } catch {
      return undefined
    }
  }
  const fact = (r: AuditReport | undefined, label: string): string => r?.facts.find((f) => f.label === label)?.value ?? '?'
  const coldReport = report(cold)
  const warmReport = report(warm[warm.length - 1] ?? cold)
  const w = median(warm.map((s) => s.seconds))
  const f = median(floor.map((s) => s.seconds))
  console.log(`  lockfile: ${coldReport?.summary.inventory.count ?? '?'} packages; ${coldReport?.findings.length ?? '?'} findings`)
  console.log(`  cold  ${fmt(cold.seconds).padStart(9)}  peak ${mib(cold.peakMiB)}  ${fact(coldReport, 'registry')}`)
  console.log(`  warm  ${fmt(w).padStart(9)}  peak ${mib(median(warm.map((s) => s.peakMiB)))}  ${fact(warmReport, 'registry')}`)
  console.log(`  offline ${fmt(offline.seconds).padStart(7)}  (cache only)`)
  console.log(`  npm ls --all --json ${fmt(f).padStart(9)}   ratio warm / npm ls: ${(w / f).toFixed(2)}×`)
  const audited = npmAudit.stdout.includes('"vulnerabilities"') || npmAudit.stdout.includes('"advisories"')
  console.log(`  npm audit --json ${audited ? fmt(npmAudit.seconds) : `did not work here (exit ${npmAudit.code})`}${audited ? `   ratio warm / npm audit: ${(w / npmAudit.seconds).toFixed(2)}×` : ''}`)
  console.log(`  npm advisories: ${fact(coldReport, 'npm advisories')}`)
}

/**
 * Advisory matching on wide records: one OSV record with N affected entries for one package, loaded
 * and matched in-process; the ratio between N and 2N shows whether the cost grows linearly (≈2×)
 * or quadratically (≈4×), against JSON.parse of the same file as the raw floor.
 */
export async function benchAdvisoryScaling(): Promise<void> {
  const { AdvisoryStore } = await import('../src/audit/advisories/index.js')
  const { readFileSync } = await import('node:fs')
  console.log('\nadvisory matching on one record with many affected entries (in-process, median of 3)')
  const dir = join(root, 'osv-wide')
  const time = async (n: number): Promise<{ match: number; parse: number }> => {
    const sub = join(dir, String(n))
    mkdirSync(sub, { recursive: true })
    const affected = Array.from({ length: n }, (_, i) => ({ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: `${i}.0.0` }, { fixed: `${i}.0.5` }] }] }))
    const file = join(sub, 'GHSA-wide-wide-wide.json')
    writeFileSync(file, JSON.stringify({ id: 'GHSA-wide-wide-wide', modified: '2024-01-01T00:00:00Z', affected }))
    const matches: number[] = []
    const parses: number[] = []
    for (let r = 0; r < 3; r++) {
      let t = performance.now()
      JSON.parse(readFileSync(file, 'utf8'))
      parses.push((performance.now() - t) / 1000)
      t = performance.now()
      const store = await AdvisoryStore.load([sub])
      store.lookup({ ecosystem: 'npm', name: 'left-pad', version: `${Math.floor(n / 2)}.0.2` })
      matches.push((performance.now() - t) / 1000)
    }
    return { match: median(matches), parse: median(parses) }
  }
  const small = await time(quick ? 2_500 : 5_000)
  const large = await time(quick ? 5_000 : 10_000)
  console.log(`  ${quick ? '2,500' : '5,000'} entries: ${fmt(small.match)} (JSON.parse alone ${fmt(small.parse)})`)
  console.log(`  ${quick ? '5,000' : '10,000'} entries: ${fmt(large.match)} (JSON.parse alone ${fmt(large.parse)})`)
  console.log(`  ratio 2N / N: ${(large.match / small.match).toFixed(2)}× (linear ≈ 2×, quadratic ≈ 4×); load+match / parse at 2N: ${(large.match / large.parse).toFixed(1)}×`)
}

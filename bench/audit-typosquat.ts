/*
 * False positives of `audit/typosquat` on real dependency trees: a small server app (express), this
 * project's own lockfile, and a web app (the React + TypeScript template that create-vite ships),
 * resolved by npm and, for the web app, by pnpm too. Every package in them is what its project
 * meant to install, so every typosquat finding is a false positive. For each tree: the packages,
 * the names within reach of a popular name (what the rule considers), and what it reports.
 * `npm run bench -- --only audit-typosquat`; the trees are resolved once into the bench directory.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readInventory } from '../src/audit/inventory/index.js'
import { loadPopularNames, PopularIndex } from '../src/audit/registry/index.js'
import { DEFAULT_SIGNAL_POLICY } from '../src/audit/registry/signals.js'
import { bin, log, root } from './common.js'

interface Tree {
  readonly label: string
  readonly dir: string
}

const NPM_FLAGS = ['--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']

function resolveNpm(dir: string, manifest: object): void {
  if (existsSync(join(dir, 'package-lock.json'))) return
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  execFileSync('npm', ['install', ...NPM_FLAGS], { cwd: dir, stdio: 'ignore', timeout: 900_000 })
}

/** the package.json of create-vite's React + TypeScript template, from the published package */
function viteTemplate(work: string): object {
  const dir = join(work, 'create-vite')
  if (!existsSync(join(dir, 'package'))) {
    mkdirSync(dir, { recursive: true })
    const tgz = execFileSync('npm', ['pack', 'create-vite@6.1.1', '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop() ?? ''
    execFileSync('tar', ['-xzf', tgz], { cwd: dir })
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package', 'template-react-ts', 'package.json'), 'utf8')) as Record<string, unknown>
  return { ...manifest, name: 'vite-react-ts-app' }
}

function trees(): Tree[] {
  const work = join(root, 'typosquat-trees')
  const express = join(work, 'express-app')
  resolveNpm(express, { name: 'express-app', version: '1.0.0', private: true, dependencies: { express: '4.21.2', 'body-parser': '1.20.3', cors: '2.8.5', dotenv: '16.4.7', morgan: '1.10.0' } })
  const web = join(work, 'vite-react-ts')
  const template = viteTemplate(work)
  resolveNpm(web, template)
  const webPnpm = join(work, 'vite-react-ts-pnpm')
  if (!existsSync(join(webPnpm, 'pnpm-lock.yaml'))) {
    mkdirSync(webPnpm, { recursive: true })
    writeFileSync(join(webPnpm, 'package.json'), JSON.stringify(template, null, 2))
    execFileSync('npx', ['-y', 'pnpm@9.15.0', 'install', '--lockfile-only', '--ignore-scripts'], { cwd: webPnpm, stdio: 'ignore', timeout: 900_000 })
  }
  return [
    { label: 'express app (npm)', dir: express },
    { label: 'stagelight itself (npm)', dir: join(bin, '..', '..') },
    { label: 'vite react-ts app (npm)', dir: web },
    { label: 'vite react-ts app (pnpm)', dir: webPnpm },
  ]
}

export async function benchAuditTyposquat(): Promise<void> {
  const popular = new PopularIndex(await loadPopularNames())
  const policy = { maxDistance: DEFAULT_SIGNAL_POLICY.typosquatMaxDistance, minLengthDistance1: DEFAULT_SIGNAL_POLICY.typosquatMinLengthDistance1, minLengthDistance2: DEFAULT_SIGNAL_POLICY.typosquatMinLengthDistance2 }
  const cache = join(root, 'typosquat-cache')
  console.log('\naudit/typosquat on real trees (every finding is a false positive)\n')
  console.log('| tree | packages | names near a popular name | of them named by the project | typosquat findings |')
  console.log('|---|---|---|---|---|')
  const details: string[] = []
  for (const tree of trees()) {
    log(`• ${tree.label}`)
    const inventory = await readInventory(tree.dir)
    const names = new Map(inventory.packages.filter((p) => p.ecosystem === 'npm' && p.source === 'registry').map((p) => [p.name, p]))
    const near = [...names.values()].filter((p) => popular.match(p.name, policy).length > 0)
    const direct = near.filter((p) => (p.dependencyPath?.length ?? 1) < 2)
    let stdout = ''
    try {
      stdout = execFileSync(process.execPath, [bin, 'audit', tree.dir, '--format', 'json', '--quiet', '--fail-on', 'none', '--no-advisory-database', '--cache-dir', cache], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    } catch (err) {
      stdout = (err as { stdout?: string }).stdout ?? ''
    }
    const report = JSON.parse(stdout) as { findings: { ruleId: string; message: string; data?: Record<string, unknown> }[] }
    const flagged = report.findings.filter((f) => f.ruleId === 'audit/typosquat')
    console.log(`| ${tree.label} (${inventory.format}) | ${names.size} | ${near.length} | ${direct.length} | ${flagged.length} |`)
    details.push(`${tree.label}: near ${near.map((p) => `${p.name} (${popular.match(p.name, policy)[0]?.target ?? '?'}; ${p.dependencyPath?.join(' > ') ?? 'no path'})`).join(', ') || 'none'}`)
    for (const f of flagged) details.push(`  FLAGGED ${f.message}`)
  }
  console.log('')
  for (const line of details) console.log(line)
}

/*
 * Benchmark of `stagelight scan` on real, benign code it has never seen, for two figures:
 * false positives (high-or-worse findings per 1,000 files and per 1,000 packages, each listed) and
 * throughput (MB/s, as a ratio to `grep -r` of a fixed string over the same tree in the same run).
 *
 * Corpora: (a) the m4, build-aux and aclocal files Debian installs with the autotools, gettext,
 * gnulib and autoconf-archive; (b) the upstream release tarballs of real Debian source packages
 * (`apt-get source`, root only) and their `configure` scripts; (c) a node_modules tree of 1,000+
 * real packages installed from the npm registry without running their scripts.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { bin, flag, fmt, has, log, mib, quick, repeat, root } from './common.js'
import { measure, median } from './measure.js'

const runs = flag('--runs', quick ? 1 : 3)

interface Corpus {
  readonly label: string
  readonly target: string
  /** a directory grep can read; the target itself unless it is an archive */
  readonly grepRoot?: string
  readonly perPackage?: boolean
}

interface ReportShape {
  readonly verdict: string
  readonly findings: readonly { ruleId: string; severity: string; path?: string; line?: number; message: string }[]
  readonly summary: { files: number; bytes: number; packages: number }
}

const AUTOTOOLS_DIRS = [
  '/usr/share/aclocal',
  '/usr/share/autoconf',
  '/usr/share/libtool',
  '/usr/share/gettext',
  '/usr/share/gnulib/m4',
  '/usr/share/gnulib/build-aux',
  ...(existsSync('/usr/share') ? readdirSync('/usr/share').filter((d) => /^(?:aclocal|automake)-\d/.test(d)).map((d) => `/usr/share/${d}`) : []),
]

/** Source packages with autotools, CMake and meson builds, several of them compression tools with odd test data. */
const DEBIAN_SOURCES = ['hello', 'sed', 'gzip', 'xz-utils', 'grep', 'tar', 'wget', 'bzip2', 'zstd', 'libarchive', 'make-dfsg', 'patch', 'diffutils', 'findutils', 'cpio', 'lz4']

/** Popular packages whose dependency trees together hold well over 1,000 packages. */
const NPM_PACKAGES = [
  'webpack', 'webpack-cli', '@babel/core', '@babel/preset-env', 'eslint', 'jest', 'typescript', 'react', 'react-dom', 'express', 'lodash', 'axios',
  'esbuild', 'vite', 'rollup', 'prettier', 'mocha', 'chai', 'sinon', 'moment', 'yargs', 'chalk', 'core-js', 'puppeteer-core', 'sass', 'postcss',
  'tailwindcss', 'ts-node', 'nodemon', 'socket.io', 'mongoose', 'sequelize', 'pg', 'mysql2', 'ioredis', 'jsonwebtoken', 'passport', 'uuid', 'dotenv',
  'helmet', 'multer', 'karma', 'gulp', 'grunt', 'browserify', 'nyc', 'lerna', '@angular/core', 'vue', 'svelte', 'electron', 'husky', 'node-sass',
  'sqlite3', 'bcrypt', 'canvas', 'firebase', '@aws-sdk/client-s3', 'googleapis',
]

function corpusAutotools(): Corpus | undefined {
  const dir = join(root, 'corpus-autotools')
  const present = AUTOTOOLS_DIRS.filter((d) => existsSync(d))
  if (present.length === 0) return undefined
  rmSync(dir, { recursive: true, force: true })
  for (const d of present) cpSync(d, join(dir, d.replace(/^\/usr\/share\//, '').replace(/\//g, '_')), { recursive: true, dereference: true })
  return { label: '(a) installed autotools, gettext, gnulib, autoconf-archive files', target: dir }
}

/** apt-get source with a private deb-src list, so the system's apt configuration is left alone. */
function corpusDebian(): Corpus[] {
  const dir = join(root, 'corpus-debian')
  const parts = join(root, 'apt-src.d')
  if (!existsSync(join(dir, '.done'))) {
    if (process.getuid?.() !== 0 || !has('apt-get') || !has('dpkg-source') || !existsSync('/etc/apt/sources.list.d')) return []
    mkdirSync(parts, { recursive: true })
    mkdirSync(dir, { recursive: true })
    for (const name of readdirSync('/etc/apt/sources.list.d').filter((f) => f.endsWith('.sources'))) {
      const text = execFileSync('cat', [join('/etc/apt/sources.list.d', name)], { encoding: 'utf8' })
      writeFileSync(join(parts, name), text.replace(/^Types: deb$/gm, 'Types: deb-src'))
    }
    const apt = ['-o', `Dir::Etc::SourceParts=${parts}`, '-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::State::Lists=${join(root, 'apt-lists')}`]
    mkdirSync(join(root, 'apt-lists', 'partial'), { recursive: true })
    try {
      log('• apt-get source: fetching real upstream releases')
      execFileSync('apt-get', [...apt, 'update', '-qq'], { stdio: 'ignore', timeout: 300_000 })
      for (const pkg of DEBIAN_SOURCES) {
        try {
          execFileSync('apt-get', [...apt, 'source', '-qq', pkg], { cwd: dir, stdio: 'ignore', timeout: 300_000 })
        } catch {
          log(`  (apt-get source ${pkg} failed; skipped)`)
        }
      }
      writeFileSync(join(dir, '.done'), '')
    } catch (err) {
      log(`  apt-get source unavailable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
      return []
    }
  }
  const tarballs = readdirSync(dir).filter((f) => /\.orig\.tar\.\w+$/.test(f)).sort()
  const configures = join(root, 'corpus-configure')
  rmSync(configures, { recursive: true, force: true })
  for (const d of readdirSync(dir)) {
    const configure = join(dir, d, 'configure')
    if (existsSync(configure) && statSync(configure).isFile()) {
      mkdirSync(join(configures, d), { recursive: true })
      cpSync(configure, join(configures, d, 'configure'))
    }
  }
  const out: Corpus[] = [{ label: `(b) real configure scripts of ${readdirSync(configures).length} Debian source packages`, target: configures }]
  for (const t of tarballs) {
    const unpacked = readdirSync(dir).find((d) => t.startsWith(`${d.replace(/-([^-]+)$/, '_$1')}.orig`))
    out.push({ label: `(b) release ${t}`, target: join(dir, t), ...(unpacked ? { grepRoot: join(dir, unpacked) } : {}) })
  }
  return out
}

function corpusNodeModules(): Corpus | undefined {
  const dir = join(root, 'corpus-npm')
  if (!existsSync(join(dir, 'node_modules', '.done'))) {
    log(`• npm install of ${NPM_PACKAGES.length} popular packages and their dependencies (no scripts run)`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-corpus', private: true }))
    try {
      execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error', ...NPM_PACKAGES], { cwd: dir, stdio: 'ignore', timeout: 1_800_000 })
    } catch (err) {
      log(`  npm install failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
      if (!existsSync(join(dir, 'node_modules'))) return undefined
    }
    writeFileSync(join(dir, 'node_modules', '.done'), '')
  }
  return { label: '(c) node_modules of popular npm packages', target: join(dir, 'node_modules'), perPackage: true }
}

async function benchCorpus(corpus: Corpus): Promise<void> {
  log(`• scanning ${corpus.label}`)
  const args = [bin, 'scan', corpus.target, '--format', 'json', '--quiet', '--fail-on', 'none']
  const ours = await repeat(runs, () => measure(process.execPath, args))
  const grepRoot = corpus.grepRoot ?? corpus.target
  const grep = existsSync(grepRoot) && statSync(grepRoot).isDirectory() ? await repeat(runs, () => measure('grep', ['-r', '-a', '-l', '-F', 'base64 -d', grepRoot])) : []
  const last = ours[ours.length - 1]
  let report: ReportShape
  try {
    report = JSON.parse(last?.stdout ?? '') as ReportShape
  } catch {
    console.log(`\n${corpus.label}\n  no report (exit ${last?.code})`)
    return
  }
  const t = median(ours.map((s) => s.seconds))
  const mb = report.summary.bytes / 1e6
  const high = report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')
  const bySeverity = ['critical', 'high', 'medium', 'low', 'info'].map((s) => `${report.findings.filter((f) => f.severity === s).length} ${s}`).join(', ')
  console.log(`\n${corpus.label}`)
  console.log(`  ${report.summary.files} files, ${mb.toFixed(1)} MB${corpus.perPackage ? `, ${report.summary.packages} packages` : ''}: ${bySeverity}`)
  console.log(`  high or worse: ${high.length} — ${((high.length * 1000) / Math.max(1, report.summary.files)).toFixed(2)} per 1,000 files${corpus.perPackage ? `, ${((high.length * 1000) / Math.max(1, report.summary.packages)).toFixed(2)} per 1,000 packages` : ''}`)
  for (const f of high.slice(0, 25)) console.log(`    ${f.severity.toUpperCase()} ${f.ruleId} ${f.path ?? ''}${f.line ? `:${f.line}` : ''} — ${f.message.slice(0, 140)}`)
  console.log(`  stagelight scan ${fmt(t).padStart(9)}  peak ${mib(median(ours.map((s) => s.peakMiB)))}  ${(mb / t).toFixed(1)} MB/s`)
  if (grep.length > 0) {
    const g = median(grep.map((s) => s.seconds))
    console.log(`  grep -r -F       ${fmt(g).padStart(9)}  ${(mb / g).toFixed(1)} MB/s   ratio stagelight / grep: ${(t / g).toFixed(1)}×`)
  }
}

/** The scan benchmark: every corpus that can be built on this machine, printed as it finishes. */
export async function benchScan(): Promise<void> {
  mkdirSync(root, { recursive: true })
  console.log(`\nstagelight scan benchmark — ${cpus().length} cores, node ${process.version}, medians of ${runs} run(s)`)
  const corpora: Corpus[] = []
  const autotools = corpusAutotools()
  if (autotools) corpora.push(autotools)
  else console.log('  (a) skipped: no autotools files installed (run npm run setup as root)')
  const debian = corpusDebian()
  if (debian.length > 0) corpora.push(...(quick ? debian.slice(0, 2) : debian))
  else console.log('  (b) skipped: apt-get source needs root and a Debian apt configuration')
  const npm = quick ? undefined : corpusNodeModules()
  if (npm) corpora.push(npm)
  else if (!quick) console.log('  (c) skipped: npm install failed')
  for (const corpus of corpora) await benchCorpus(corpus)
}

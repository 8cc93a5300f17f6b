#!/usr/bin/env node
// Installs what the demo and the tests need on a fresh Debian machine: npm packages (npm ci)
// and the real tools stagelight is tested against (git, autotools, gettext, archivers, gpg, PostgreSQL).
// Plain JavaScript with no dependencies, because it runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// command that must exist → Debian package providing it
const TOOLS = {
  git: 'git',
  tar: 'tar',
  make: 'make',
  cc: 'gcc',
  autoreconf: 'autoconf',
  automake: 'automake',
  libtoolize: 'libtool',
  autopoint: 'autopoint',
  msgfmt: 'gettext',
  // verify runs flex and bison again on a release's grammars to reproduce its scanners and parsers
  flex: 'flex',
  bison: 'bison',
  xz: 'xz-utils',
  bzip2: 'bzip2',
  zstd: 'zstd',
  zip: 'zip',
  unzip: 'unzip',
  gpg: 'gnupg',
  // canary: behaviour traces, memory errors, and the peer timing tool of its benchmark
  strace: 'strace',
  valgrind: 'valgrind',
  hyperfine: 'hyperfine',
  // HTML reports are tested in the browser Debian ships, never a downloaded one
  chromium: 'chromium',
}
// data the rule tests read as a benign corpus
const DATA = { '/usr/share/libtool/libltdl/lt_system.h': 'libltdl-dev', '/usr/share/gnulib/m4': 'gnulib', '/usr/share/aclocal/ax_pthread.m4': 'autoconf-archive', '/usr/share/aclocal/pkg.m4': 'pkgconf' }

const has = (cmd) => spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', cmd]).status === 0

// `watch` is tested against a real PostgreSQL server; Debian keeps its programs off PATH
const hasPostgresServer = () => {
  try {
    return readdirSync('/usr/lib/postgresql').some((major) => existsSync(join('/usr/lib/postgresql', major, 'bin', 'initdb')))
  } catch {
    return false
  }
}

const missing = [
  ...(hasPostgresServer() ? [] : ['postgresql']),
  ...Object.entries(TOOLS).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg),
  ...Object.entries(DATA).filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg),
]
const packages = [...new Set(missing)]
if (packages.length > 0) {
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    console.error(`setup: missing Debian packages: ${packages.join(' ')}\n  install them with: sudo apt-get install -y ${packages.join(' ')}`)
    process.exit(3)
  }
  console.error(`setup: installing Debian packages: ${packages.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env })
}

const lock = join(root, 'package-lock.json')
const installed = join(root, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error('setup: installing npm packages (npm ci)')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
}

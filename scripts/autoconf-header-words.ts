// Lists the words autoconf's own macros hand autoheader as C text (AH_VERBATIM and friends: the
// `#define` lines of AC_SYS_LARGEFILE, AC_C_BIGENDIAN, AC_USE_SYSTEM_EXTENSIONS…) in every release
// tag from 2.60 on, so that `verify` knows what a config.h.in made by an autoconf other than the
// installed one may hold. Words only, one a line. Run after `npm run build`:
//
//   node dist/scripts/autoconf-header-words.js <autoconf-git-dir> > data/autoconf-header-words.txt
//
// Reads the repository with plain `git` plumbing (tag, ls-tree, cat-file); runs nothing from it.
import { execFileSync } from 'node:child_process'
import { headerWords } from '../src/verify/explain/autoheader-agreement.js'

function git(gitDir: string, args: readonly string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 30, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).toString('utf8')
}

function main(argv: readonly string[]): void {
  const [gitDir] = argv
  if (!gitDir) throw new Error('usage: autoconf-header-words <autoconf-git-dir>')
  const tags = git(gitDir, ['tag', '--list', 'v2.*'])
    .split('\n')
    .filter((t) => /^v2\.(?:[6-9]\d)[a-z]?$/.test(t))
  const words = new Set<string>()
  for (const tag of tags) {
    const files = git(gitDir, ['ls-tree', '-r', '--name-only', tag, 'lib/autoconf/'])
      .split('\n')
      .filter((p) => p.endsWith('.m4'))
    for (const file of files) for (const w of headerWords(git(gitDir, ['cat-file', 'blob', `${tag}:${file}`]))) words.add(w)
  }
  process.stdout.write(`# Words of the C lines autoconf's own macros give autoheader, tags ${tags[0]} to ${tags[tags.length - 1]}; made by scripts/autoconf-header-words.ts\n`)
  process.stdout.write(`${[...words].sort().join('\n')}\n`)
}

main(process.argv.slice(2))

// Lists the words autoconf's own macros hand autoheader as C text (AH_VERBATIM and friends: the
// `#define` lines of AC_SYS_LARGEFILE, AC_C_BIGENDIAN, AC_USE_SYSTEM_EXTENSIONS…) in every release
// tag from 2.60 on, so that `verify` knows what a config.h.in made by an autoconf other than the
// installed one may hold. Words only, one a line. Run after `npm run build`:
//
//   node dist/scripts/autoconf-header-words.js <autoconf-git-dir> > data/autoconf-header-words.txt
//
// Reads the repository with plain `git` plumbing (tag, ls-tree, cat-file); runs nothing from it.
import { headerWords } from '../src/verify/explain/autoheader-agreement.js'
import { filesAtTags, tagsMatching } from './git-plumbing.js'

function main(argv: readonly string[]): void {
  const [gitDir] = argv
  if (!gitDir) throw new Error('usage: autoconf-header-words <autoconf-git-dir>')
  const tags = tagsMatching(gitDir, /^v2\.(?:[6-9]\d)[a-z]?$/)
  const words = new Set<string>()
  for (const macros of filesAtTags(gitDir, tags, 'lib/autoconf/', '.m4')) for (const w of headerWords(macros)) words.add(w)
  process.stdout.write(`# Words of the C lines autoconf's own macros give autoheader, tags ${tags[0]} to ${tags[tags.length - 1]}; made by scripts/autoconf-header-words.ts\n`)
  process.stdout.write(`${[...words].sort().join('\n')}\n`)
}

main(process.argv.slice(2))

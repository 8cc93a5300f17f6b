// Lists the recipe lines of automake's templates (`lib/am/*.am`) in every release tag from 1.6 on,
// as 16-digit hashes of the normalised lines (facts, not text), so that `verify` knows every line
// automake's install and uninstall rules may hold whatever automake wrote a Makefile.in. Run after
// `npm run build`:
//
//   node dist/scripts/automake-install-lines.js <automake-git-dir> > data/automake-install-lines.txt
//
// Reads the repository with plain `git` plumbing (tag, ls-tree, cat-file); runs nothing from it.
import { templateLineKeys } from '../src/verify/explain/automake-install-lines.js'
import { filesAtTags, tagsMatching } from './git-plumbing.js'

/** release tags from 1.6 on: `Release-1-6-3` until 1.9, `v1.10` after */
const RELEASE_TAG = /^(?:Release-1-[6-9](?:-\d+)?[a-z]?|v1\.\d{2}(?:\.\d+)*)$/

function main(argv: readonly string[]): void {
  const [gitDir] = argv
  if (!gitDir) throw new Error('usage: automake-install-lines <automake-git-dir>')
  const tags = tagsMatching(gitDir, RELEASE_TAG)
  const keys = new Set<string>()
  for (const template of filesAtTags(gitDir, tags, 'lib/am/', '.am')) for (const key of templateLineKeys(template)) keys.add(key)
  process.stdout.write(`# Hashes of the recipe lines of automake's templates, ${tags.length} release tags (${tags[0]} … ${tags[tags.length - 1]}); made by scripts/automake-install-lines.ts\n`)
  process.stdout.write(`${[...keys].sort().join('\n')}\n`)
}

main(process.argv.slice(2))

// Lists what automake's templates (`lib/am/*.am`) write in every release tag from 1.6 on, so that
// `verify` knows what the install rules and the template variables of any automake's Makefile.in
// may hold: the recipe and variable lines as 16-digit hashes of the normalised lines (facts, not
// text), and the names of the variables the templates set. Run after `npm run build`:
//
//   node dist/scripts/automake-install-lines.js <automake-git-dir> data
//
// writes data/automake-install-lines.txt and data/automake-variables.txt. Reads the repository
// with plain `git` plumbing (tag, ls-tree, cat-file); runs nothing from it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { INSTALL_LINES_FILE, templateLineKeys, templateVariables, VARIABLES_FILE } from '../src/verify/explain/automake-install-lines.js'
import { filesAtTags, tagsMatching } from './git-plumbing.js'

/** release tags from 1.6 on: `Release-1-6-3` until 1.10.1, `v1.10.2` after */
const RELEASE_TAG = /^(?:Release-1-(?:[6-9]|10)(?:-\d+)?[a-z]?|v1\.\d{2}(?:\.\d+)*)$/

function main(argv: readonly string[]): void {
  const [gitDir, dataDir] = argv
  if (!gitDir || !dataDir) throw new Error('usage: automake-install-lines <automake-git-dir> <data-dir>')
  const tags = tagsMatching(gitDir, RELEASE_TAG)
  const keys = new Set<string>()
  const set = new Set<string>()
  const gathered = new Set<string>()
  for (const template of filesAtTags(gitDir, tags, 'lib/am/', '.am')) {
    for (const key of templateLineKeys(template)) keys.add(key)
    const variables = templateVariables(template)
    for (const name of variables.set) set.add(name)
    for (const name of variables.gathered) gathered.add(name)
  }
  const from = `${tags.length} release tags (${tags[0]} … ${tags[tags.length - 1]}); made by scripts/automake-install-lines.ts`
  writeFileSync(join(dataDir, INSTALL_LINES_FILE), `# Hashes of the recipe and variable lines of automake's templates, ${from}\n${[...keys].sort().join('\n')}\n`)
  const names = [...set].filter((n) => !gathered.has(n)).sort()
  writeFileSync(join(dataDir, VARIABLES_FILE), `# The variables automake's templates set (not gather with +=), ${from}\n${names.join('\n')}\n`)
}

main(process.argv.slice(2))

// Lists the autotools files of an unpacked package or release tarball as catalog records (JSON
// Lines, the format of ../shared/data/autotools-catalog.jsonl): for the versions a distribution
// patches (Debian's libtool) or that no repository history holds as shipped (ltmain.sh is
// generated at release time), leaving out what the bundled catalog already holds. Facts only — hashes, serials, stamps — never the files' content.
// Run after `npm run build`:
//
//   node dist/scripts/catalog-from-dir.js <dir> <project> <source> <first-release> [basename-regex] >> data/catalog-extra.jsonl
//
// <source> names where the files come from, as the main catalog does: `debian-<suite>:<package>=<version>`.
// Reads files only; runs nothing from them.
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { Catalog } from '../src/verify/catalog/catalog.js'
import { sha256Hex } from '../src/verify/catalog/fingerprint.js'
import { isVendorable } from '../src/verify/catalog/vendorable.js'
import { walkFiles } from '../src/verify/catalog/walk.js'
import { catalogRecord } from './catalog-record.js'

async function main(argv: readonly string[]): Promise<void> {
  const [dir, project, source, firstRelease, pattern] = argv
  if (!dir || !project || !source || !firstRelease) throw new Error('usage: catalog-from-dir <dir> <project> <source> <first-release> [basename-regex]')
  const wanted = new RegExp(pattern ?? '')
  const { files, truncated } = await walkFiles(dir, { maxDepth: 16, maxFiles: 200_000 })
  if (truncated) throw new Error(`${dir}: too many files or levels of directories`)
  const catalog = await Catalog.load({ systemDirs: false })
  for (const file of files) {
    const name = basename(file.path)
    if (!wanted.test(name)) continue
    const bytes = await readFile(file.path)
    if (!isVendorable(name, bytes, (n) => catalog.isKnownName(n))) continue
    // a content the bundled catalog already holds under this name adds nothing
    if (catalog.exact(sha256Hex(bytes)).some((e) => e.basename === name)) continue
    process.stdout.write(catalogRecord({ path: file.relative, project, source, firstRelease }, bytes))
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`catalog-from-dir: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})

/**
 * Bundles the command-line program (dist/src/cli/main.js and what it imports) into dist/cli/:
 * one module per command plus shared chunks, instead of some 150 files to resolve, read and link
 * at every start. Packages stay outside (node_modules); the library entry (dist/src/index.js)
 * is not bundled. Run after `tsc` by `npm run build`.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))
const outdir = `${root}dist/cli`

rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: [`${root}dist/src/cli/main.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  sourcemap: true,
  logLevel: 'warning',
})

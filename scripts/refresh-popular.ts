// Refreshes data/npm-popular.txt, the popular npm package names `stagelight audit` compares
// dependency names with (audit/typosquat). The npm registry has download counts
// (api.npmjs.org/downloads), but registry mirrors do not, so the list is ranked by what can be
// counted anywhere: how many distinct packages of a real node_modules tree depend on a name.
// Run after `npm run build`:
//
//   node dist/scripts/refresh-popular.js --node-modules <dir> [--node-modules <dir>…]
//        [--list <file>…] [--top 1000] [--output data/npm-popular.txt]
//
//   --node-modules <dir>  a node_modules tree installed from many popular top-level packages
//                         (e.g. `npm install react lodash express …` in an empty directory); every
//                         package.json in it, nested ones included, is read and each name is ranked
//                         by the number of distinct packages that list it in dependencies,
//                         optionalDependencies or peerDependencies
//   --list <file>         names to include whatever their rank (one a line, `#` comments), e.g. a
//                         list ranked by downloads exported elsewhere; the tree's root
//                         package.json dependencies are included the same way
//   --top <n>             how many ranked names to keep (default 1000) besides the included ones
//
// The names built in below (WELL_KNOWN) are always included: popular top-level packages that few
// other packages depend on, so a dependents count alone would miss them.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePopularNames } from '../src/audit/registry/popular.js'

const WELL_KNOWN = `react react-dom lodash express axios vue angular @angular/core @angular/common svelte next nuxt
typescript webpack vite rollup esbuild parcel babel-core @babel/core @babel/preset-env jest mocha chai sinon
eslint prettier moment dayjs date-fns uuid chalk commander yargs debug dotenv cross-env rimraf mkdirp glob
request node-fetch socket.io mongoose sequelize pg mysql mysql2 redis ioredis jsonwebtoken bcrypt bcryptjs
passport cors body-parser cookie-parser helmet morgan nodemon pm2 ts-node tslib core-js rxjs jquery bootstrap
tailwindcss postcss autoprefixer sass node-sass less underscore async bluebird q ramda immutable redux
react-redux react-router react-router-dom styled-components classnames prop-types graphql apollo-server
electron puppeteer playwright cheerio jsdom ws http-proxy semver minimist colors coffee-script gulp grunt
browserify karma nyc istanbul husky lint-staged lerna nx yarn npm pnpm firebase aws-sdk googleapis stripe
twilio discord.js telegraf multer formidable busboy sharp jimp canvas sqlite3 knex typeorm prisma @prisma/client
zod joi yup ajv validator xml2js js-yaml yaml ini inquirer ora boxen figlet shelljs execa cross-spawn
fs-extra graceful-fs chokidar micromatch minimatch fast-glob globby del ncp archiver tar adm-zip jszip
crypto-js node-forge bignumber.js big.js decimal.js mathjs d3 three chart.js highlight.js marked markdown-it
handlebars ejs pug mustache nunjucks qs querystring superagent got undici cross-fetch isomorphic-fetch
winston pino bunyan log4js loglevel nodemailer`

interface Options {
  nodeModules: string[]
  lists: string[]
  top: number
  output: string | undefined
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir
    dir = dirname(dir)
  }
  throw new Error('refresh-popular: cannot find the repository root')
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { nodeModules: [], lists: [], top: 1000, output: undefined }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (value === undefined) throw new Error(`refresh-popular: ${flag} needs a value`)
    if (flag === '--node-modules') options.nodeModules.push(resolve(value))
    else if (flag === '--list') options.lists.push(resolve(value))
    else if (flag === '--top') options.top = Number(value)
    else if (flag === '--output') options.output = resolve(value)
    else throw new Error(`refresh-popular: unknown option ${flag}`)
    i++
  }
  if (options.nodeModules.length === 0 && options.lists.length === 0) throw new Error('refresh-popular: give at least one --node-modules <dir> or --list <file>')
  if (!Number.isInteger(options.top) || options.top < 1) throw new Error('refresh-popular: --top must be a positive integer')
  return options
}

const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/

interface Manifest {
  name?: unknown
  dependencies?: unknown
  optionalDependencies?: unknown
  peerDependencies?: unknown
}

const readManifest = (file: string): Manifest | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest
  } catch {
    return undefined
  }
}

const depNames = (m: Manifest): string[] => [m.dependencies, m.optionalDependencies, m.peerDependencies].flatMap((d) => (d && typeof d === 'object' ? Object.keys(d) : []))

/** Every package directory under a node_modules directory, nested node_modules included. */
function* packageDirs(nodeModules: string): Generator<string> {
  let entries: string[]
  try {
    entries = readdirSync(nodeModules)
  } catch {
    return
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue
    const dirs = entry.startsWith('@') ? (() => { try { return readdirSync(join(nodeModules, entry)).map((e) => join(nodeModules, entry, e)) } catch { return [] } })() : [join(nodeModules, entry)]
    for (const dir of dirs) {
      if (!existsSync(join(dir, 'package.json'))) continue
      yield dir
      yield* packageDirs(join(dir, 'node_modules'))
    }
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2))
  const dependents = new Map<string, Set<string>>()
  const included = new Set<string>(WELL_KNOWN.split(/\s+/).filter(Boolean))
  let packages = 0
  for (const root of options.nodeModules) {
    const rootManifest = readManifest(join(root, '..', 'package.json'))
    if (rootManifest) for (const d of depNames(rootManifest)) included.add(d)
    const seen = new Set<string>()
    for (const dir of packageDirs(root)) {
      const m = readManifest(join(dir, 'package.json'))
      if (!m || typeof m.name !== 'string') continue
      packages++
      if (seen.has(`${m.name}`)) continue // one vote per dependent name, however many copies are installed
      seen.add(m.name)
      if (!dependents.has(m.name)) dependents.set(m.name, new Set())
      for (const d of depNames(m)) {
        const set = dependents.get(d) ?? new Set<string>()
        set.add(m.name)
        dependents.set(d, set)
      }
    }
  }
  for (const list of options.lists) for (const name of parsePopularNames(readFileSync(list, 'utf8'))) included.add(name)

  const ranked = [...dependents.entries()]
    .filter(([name, by]) => NAME.test(name) && by.size > 0)
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .slice(0, options.top)
    .map(([name]) => name)
  const names = [...new Set([...ranked, ...[...included].filter((n) => NAME.test(n))])].sort()
  const header = [
    '# Popular npm package names, for audit/typosquat. One name a line.',
    `# Built by scripts/refresh-popular.ts on ${new Date().toISOString().slice(0, 10)}: the ${ranked.length} names most depended on in`,
    `# ${packages} installed packages, plus ${included.size} always-included well-known and top-level names.`,
    '',
  ]
  const output = options.output ?? join(repoRoot(), 'data', 'npm-popular.txt')
  writeFileSync(output, `${header.join('\n')}${names.join('\n')}\n`)
  console.log(`refresh-popular: ${names.length} names (${ranked.length} ranked from ${packages} packages) written to ${output}`)
}

main()

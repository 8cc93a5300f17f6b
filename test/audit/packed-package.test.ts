/**
 * SLOW (several minutes: it packs the project and installs the tarball from the npm registry into
 * a fresh directory). The package as a user gets it: `npm pack`, `npm install <tarball>
 * --omit=dev` in an empty directory, then every command's and subcommand's --help through the
 * installed `stagelight` binary, and the README's library example, taken from the README inside
 * the tarball, run with plain `node`. Needs `npm run build` first (`npm test` does it).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const REPO = fileURLToPath(new URL('../..', import.meta.url))
const MINUTES = 60_000

let work: string
let app: string
let packedFiles: string[] = []

const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' })

async function stagelight(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(join(app, 'node_modules', '.bin', 'stagelight'), [...args], { cwd: app, env: env(), maxBuffer: 16 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** the names under a commander help's "Commands:" heading, without `help` */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:\s*$/m)[1]?.split(/^\S/m)[0] ?? ''
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1] as string).filter((name) => name !== 'help')
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist', 'src', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first')
  work = mkdtempSync(join(tmpdir(), 'stagelight-packed-'))
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, env: env(), maxBuffer: 64 * 1024 * 1024 })
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[]
  if (!packed) throw new Error('npm pack reported no tarball')
  packedFiles = packed.files.map((f) => f.path)
  app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packed-check', version: '1.0.0', private: true, type: 'module' }, null, 2))
  await exec('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(work, packed.filename)], { cwd: app, env: env(), maxBuffer: 64 * 1024 * 1024 })
}, 30 * MINUTES)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed package installed in a fresh directory (slow)', () => {
  it('ships the build, the data and the docs, and no tests or TypeScript sources', () => {
    expect(packedFiles).toContain('bin/stagelight.js')
    expect(packedFiles).toContain('dist/src/index.js')
    expect(packedFiles).toContain('schema/report.schema.json')
    expect(packedFiles.filter((f) => f.startsWith('test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([])
  })

  it('`stagelight --version` is the package version', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version
    const r = await stagelight(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(version)
  })

  it('every command and subcommand prints its help and exits 0', async () => {
    const top = await stagelight(['--help'])
    expect(top.code).toBe(0)
    const commands = commandsOf(top.stdout)
    expect(commands).toEqual(expect.arrayContaining(['verify', 'scan', 'audit', 'advisories', 'history', 'canary', 'watch']))
    const failures: string[] = []
    let checked = 0
    for (const command of commands) {
      const help = await stagelight([command, '--help'])
      checked++
      if (help.code !== 0 || !help.stdout.startsWith(`Usage: stagelight ${command}`)) failures.push(`${command} --help: exit ${help.code} ${help.stderr.split('\n')[0] ?? ''}`)
      for (const sub of commandsOf(help.stdout)) {
        const subHelp = await stagelight([command, sub, '--help'])
        checked++
        if (subHelp.code !== 0 || !subHelp.stdout.startsWith(`Usage: stagelight ${command} ${sub}`)) failures.push(`${command} ${sub} --help: exit ${subHelp.code} ${subHelp.stderr.split('\n')[0] ?? ''}`)
      }
    }
    expect(failures).toEqual([])
    expect(checked).toBeGreaterThan(commands.length)
  }, 15 * MINUTES)

  it("the README's library example runs as written against the installed package", async () => {
    const readme = readFileSync(join(app, 'node_modules', 'stagelight', 'README.md'), 'utf8')
    const example = /^### Library\b[\s\S]*?^```js\n([\s\S]*?)^```/m.exec(readme)?.[1]
    expect(example).toContain("from 'stagelight'")
    writeFileSync(join(app, 'example.mjs'), example as string)
    // the example audits '.': the fresh directory, whose package-lock.json npm wrote
    const { stdout } = await exec(process.execPath, ['example.mjs'], { cwd: app, env: env(), maxBuffer: 64 * 1024 * 1024 })
    const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { name: string } }; results: unknown[] }[] }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0]?.tool.driver.name).toBe('stagelight')
  }, 5 * MINUTES)
})

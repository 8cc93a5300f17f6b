/**
 * A real npm registry (Verdaccio) on a free local port, with its own storage and users, filled by
 * the real `npm publish`. No uplinks: nothing it serves comes from the internet.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { freePort } from './free-port.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const VERDACCIO = fileURLToPath(new URL('../../node_modules/verdaccio/bin/verdaccio', import.meta.url))
const run = promisify(execFile)

export interface LocalRegistry {
  readonly url: string
  /** an npm userconfig holding this user's token, for `npm publish --userconfig` */
  userConfig(user: string): Promise<string>
  /** publishes a package directory built from a manifest and files, as `user` */
  publish(user: string, manifest: Record<string, unknown>, files: Record<string, string | Buffer>): Promise<void>
  stop(): Promise<void>
}


async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log()}`)
    try {
      const response = await fetch(`${url}-/ping`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`verdaccio did not start: ${log()}`)
}

export async function startRegistry(): Promise<LocalRegistry> {
  const home = mkdtempSync(join(tmpdir(), 'stagelight-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  writeFileSync(
    join(home, 'config.yaml'),
    [
      `storage: ${join(home, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(home, 'htpasswd')}`,
      '    max_users: 100',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'log: { type: stdout, format: json, level: error }',
      '',
    ].join('\n'),
  )
  let output = ''
  const child = spawn(process.execPath, [VERDACCIO, '--config', join(home, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  await waitUntilUp(url, child, () => output)

  const tokens = new Map<string, string>()
  const userConfig = async (user: string): Promise<string> => {
    let token = tokens.get(user)
    if (!token) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: user, password: `pw-${user}-0123456789` }),
      })
      const body = (await response.json()) as { token?: string }
      if (!body.token) throw new Error(`cannot create registry user ${user}: ${JSON.stringify(body)}`)
      token = body.token
      tokens.set(user, token)
    }
    const file = join(home, `${user}.npmrc`)
    writeFileSync(file, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`)
    return file
  }

  let counter = 0
  return {
    url,
    userConfig,
    async publish(user, manifest, files) {
      const dir = join(home, 'packages', String(counter++))
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true })
        writeFileSync(join(dir, name), content)
      }
      const config = await userConfig(user)
      await run('npm', ['publish', '--userconfig', config, '--registry', url, '--ignore-scripts'], { cwd: dir, env: { ...process.env, npm_config_cache: join(home, 'npm-cache') } })
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill()
        await exited
      }
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/**
 * @fileoverview Where a package comes from and how to authenticate, as npm itself decides it:
 * environment, the project's .npmrc, the user's .npmrc. Tokens are read, never printed.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'ini'

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

export interface RegistryConfig {
  /** the registry for unscoped packages */
  readonly registry: string
  /** the registry URL for a package name, honouring `@scope:registry` */
  registryFor(name: string): string
  /** the Authorization header value for a URL, when a matching `//host/path/:_authToken` is configured */
  authorizationFor(url: string): string | undefined
  /** every `@scope:registry` configured, scope → registry URL */
  scopes(): Readonly<Record<string, string>>
}

function readIni(path: string): Record<string, unknown> {
  try {
    return parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** `${VAR}` in .npmrc values is replaced from the environment, as npm does. */
const expand = (value: string, env: NodeJS.ProcessEnv): string => value.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '')

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`)

/**
 * Reads npm's configuration for registry access. Later sources win: user .npmrc, project .npmrc,
 * then `npm_config_*` environment variables.
 */
export function loadRegistryConfig(cwd: string, env: NodeJS.ProcessEnv, registryOverride?: string): RegistryConfig {
  const userConfig = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? join(env.HOME ?? homedir(), '.npmrc')
  const settings: Record<string, string> = {}
  for (const source of [readIni(userConfig), readIni(join(cwd, '.npmrc'))]) {
    for (const [key, value] of Object.entries(source)) if (typeof value === 'string') settings[key] = expand(value, env)
  }
  for (const [key, value] of Object.entries(env)) {
    const match = key.match(/^npm_config_(.+)$/i)
    if (match?.[1] && value !== undefined && match[1].toLowerCase() === 'registry') settings.registry = value
  }
  const registry = withSlash(registryOverride ?? settings.registry ?? DEFAULT_REGISTRY)
  return {
    registry,
    registryFor(name) {
      const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined
      const scoped = scope ? settings[`${scope}:registry`] : undefined
      return registryOverride ? registry : withSlash(scoped ?? registry)
    },
    scopes() {
      return Object.fromEntries(
        Object.entries(settings)
          .filter(([key]) => /^@[^:]+:registry$/.test(key))
          .map(([key, value]) => [key.slice(0, key.indexOf(':')), withSlash(value)]),
      )
    },
    authorizationFor(url) {
      const parsed = new URL(url)
      let path = parsed.pathname
      // the longest configured `//host/path/` prefix of the URL wins, as in npm
      for (;;) {
        const prefix = `//${parsed.host}${path.endsWith('/') ? path : `${path}/`}`
        const token = settings[`${prefix}:_authToken`]
        if (token) return `Bearer ${token}`
        const basic = settings[`${prefix}:_auth`]
        if (basic) return `Basic ${basic}`
        if (path === '/' || path === '') return undefined
        path = path.replace(/\/[^/]*\/?$/, '/') || '/'
      }
    },
  }
}

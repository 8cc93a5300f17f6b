import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PackageRef } from '../../../src/audit/types.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'osv')

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-advisories-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const npmPkg = (name: string, version: string): PackageRef => ({
  ecosystem: 'npm',
  name,
  version,
  purl: `pkg:npm/${name.replace('@', '%40')}@${version}`,
  source: 'registry',
})

export const debPkg = (name: string, version: string): PackageRef => ({
  ecosystem: 'deb',
  name,
  version,
  purl: `pkg:deb/debian/${name}@${version}?arch=amd64`,
  source: 'registry',
})

/** A minimal valid OSV record for one package. */
export const record = (id: string, ecosystem: string, name: string, events: object[], extra: object = {}): object => ({
  schema_version: '1.6.0',
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem, name }, ranges: [{ type: ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events }] }],
  ...extra,
})

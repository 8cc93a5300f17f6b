/**
 * @fileoverview Inventories of the user's projects and hosts (lockfiles, SBOMs, dpkg status files),
 * read with audit's inventory readers. Their registry dependencies become watched targets, and
 * they are what `respond` searches. Re-read when their content changes.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { readInventory } from '../audit/inventory/index.js'
import { loadRegistryConfig } from '../sources/npm/index.js'
import type { WatchContext } from './context.js'
import { debTarget, npmTarget } from './targets.js'

export interface RegisteredInventory {
  readonly key: string
  readonly format: string
  readonly packages: number
  readonly targets: number
  /** false when the content had not changed since the last read */
  readonly changed: boolean
}

const digestOf = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex')

/**
 * Reads an inventory and stores it under `name` (default: its absolute path). With `watchFile`, the
 * file is re-read whenever it changes; a pushed inventory (from another host) is stored as given.
 */
export async function registerInventory(context: WatchContext, path: string, options: { name?: string; watchFile?: boolean; force?: boolean } = {}): Promise<RegisteredInventory> {
  const absolute = resolve(context.cwd, path)
  const config = loadRegistryConfig(context.cwd, context.env)
  const inventory = await readInventory(absolute, { registry: config.registry, allowedRegistries: Object.values(config.scopes()) })
  const key = options.name ?? inventory.path
  const digest = await digestOf(inventory.path)
  const previous = (await context.store.inventories()).find((i) => i.key === key)
  const origin = `inventory:${key}`
  if (previous?.digest === digest && !options.force) return { key, format: inventory.format, packages: previous.packages, targets: 0, changed: false }
  await context.store.putInventory(
    key,
    options.watchFile === false ? undefined : inventory.path,
    inventory.format,
    digest,
    inventory.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, location: p.location ?? '', dev: p.dev === true })),
  )
  const targets = new Map<string, ReturnType<typeof npmTarget>>()
  for (const p of inventory.packages) {
    // only what a registry publishes has new releases to watch; git, file and link dependencies do not
    if (p.ecosystem === 'npm' && p.source === 'registry') targets.set(`npm:${p.name}`, npmTarget(p.name))
    else if (p.ecosystem === 'deb') targets.set(`deb:${p.name}`, debTarget(p.name))
  }
  for (const t of targets.values()) await context.store.addTarget(t, origin)
  await context.store.keepOrigin(origin, [...targets.keys()])
  return { key, format: inventory.format, packages: inventory.packages.length, targets: targets.size, changed: true }
}

/** Re-reads every inventory registered with a path whose content changed; unreadable ones are reported, not fatal. */
export async function refreshInventories(context: WatchContext): Promise<{ reread: string[]; errors: { key: string; error: string }[] }> {
  const reread: string[] = []
  const errors: { key: string; error: string }[] = []
  for (const inv of await context.store.inventories()) {
    if (!inv.path) continue
    try {
      if ((await digestOf(inv.path)) === inv.digest) continue
      await registerInventory(context, inv.path, { name: inv.key })
      reread.push(inv.key)
    } catch (err) {
      errors.push({ key: inv.key, error: (err as Error).message })
    }
  }
  return { reread, errors }
}

import { readFileSync } from 'node:fs'

/** The package version, read once from our own manifest: two levels up from dist/src, one from src. */
export const VERSION: string = (() => {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string }
      if (manifest.name === 'stagelight' && manifest.version) return manifest.version
    } catch {
      // not here: try the next place
    }
  }
  return '0.0.0-unknown'
})()

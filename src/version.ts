import { readFileSync } from 'node:fs'

const manifestUrl = new URL('../../package.json', import.meta.url)

/** The package version, read once from the manifest shipped beside the compiled code. */
export const VERSION: string = (JSON.parse(readFileSync(manifestUrl, 'utf8')) as { version: string }).version

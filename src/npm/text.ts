/** @fileoverview Line numbers and one-line evidence snippets for (possibly minified) JavaScript. */

import { LineIndex as SharedLineIndex } from '../util/lines.js'

const MAX_SNIPPET = 160

/** Line numbers, and one-line snippets of (possibly minified) lines around a match. */
export class LineIndex extends SharedLineIndex {
  /**
   * The line holding `offset`, on one line, at most ~160 characters: a long (minified) line is cut
   * around the match with `…` on the cut sides.
   */
  snippet(offset: number, matchLength = 0): string {
    const line = this.lineAt(offset)
    const start = this.starts[line - 1] ?? 0
    const next = this.starts[line]
    const end = next === undefined ? this.text.length : next - 1
    return cutAround(this.text, start, end, offset, matchLength)
  }
}

/** Cuts `text[start, end)` to a short single line around `[offset, offset + length)`. */
export function cutAround(text: string, start: number, end: number, offset: number, length: number): string {
  if (end - start <= MAX_SNIPPET) return oneLine(text.slice(start, end)).trim()
  const want = Math.min(length, MAX_SNIPPET - 40)
  const before = Math.floor((MAX_SNIPPET - want) / 3)
  const from = Math.max(start, offset - before)
  const to = Math.min(end, from + MAX_SNIPPET)
  return `${from > start ? '…' : ''}${oneLine(text.slice(from, to)).trim()}${to < end ? '…' : ''}`
}

export const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ')

/** Shortens a string for messages. */
export const clip = (s: string, max = 120): string => {
  const flat = oneLine(s)
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** Shannon entropy in bits per character over (at most) the first 4 KiB. */
export function entropy(s: string): number {
  const sample = s.length > 4096 ? s.slice(0, 4096) : s
  if (sample.length === 0) return 0
  const counts = new Map<string, number>()
  for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let h = 0
  for (const c of counts.values()) {
    const p = c / sample.length
    h -= p * Math.log2(p)
  }
  return Math.round(h * 100) / 100
}

/** Paths whose minified content is normal: build output, bundles, vendored minified copies. */
const BUILD_DIR = /(^|\/)(dist|build|lib|out|output|bundles?|umd|cjs|esm|es|es5|es6|min|browser|vendor|_bundles|fesm\d*|compiled|release)\//i
const BUILD_NAME = /(\.min\.[cm]?js|[.-]bundle[.-]|bundle\.[cm]?js|\.umd\.|\.prod(uction)?\.|\.cjs\.|\.esm\.|[.-]dist\.)/i

export const isBuildOutput = (path: string): boolean => BUILD_DIR.test(path) || BUILD_NAME.test(path.slice(path.lastIndexOf('/') + 1))

/** Credential files and stores a package has no business reading. */
export const CREDENTIAL_PATH =
  /(?:^|[\\/'"`\s~$])\.npmrc\b|\.yarnrc\b|\.ssh(?:[\\/]|\b)|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws[\\/](?:credentials|config)|\.gitconfig\b|\.git-credentials\b|\.docker[\\/]config\.json|\.kube[\\/]config|\.netrc\b|\.pgpass\b|\.config[\\/]gh[\\/]hosts|Login Data|Local Extension Settings|\.mozilla[\\/]firefox|Library[\\/]Keychains|wallet\.dat|\.ethereum[\\/]keystore|\.config[\\/]solana|\.electrum|Exodus[\\/]exodus\.wallet|nkbihfbeogaeaoehlefnkodbefgpgknn/i

/** Environment variables holding secrets. */
export const SECRET_ENV = /^(?:NPM_TOKEN|NODE_AUTH_TOKEN|NPM_AUTH_TOKEN|GITHUB_TOKEN|GH_TOKEN|GITLAB_TOKEN|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AZURE_CLIENT_SECRET|GOOGLE_APPLICATION_CREDENTIALS|[A-Z0-9_]*(?:_TOKEN|_SECRET|SECRET_KEY|_PASSWORD|_PASSWD|_API_KEY|_APIKEY|_PRIVATE_KEY|_ACCESS_KEY))$/i

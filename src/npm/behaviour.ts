/**
 * @fileoverview What JavaScript does with what it reads, as facts the package judge weighs by
 * co-occurrence: data from a source (environment, credential files, host identity, key material,
 * secrets found by scanning files) reaching a network sink; hooks on globals that see every
 * request or wallet call; code built from network data; download-write-execute; destructive file
 * operations and the conditions (time, place) that guard them; a module that never finishes
 * loading.
 */

export interface Site {
  readonly line: number
  readonly evidence: string
}

export interface FlowSite extends Site {
  /** `the whole environment`, `process.env.NPM_TOKEN`, `host identity (os.hostname)`, `~/.npmrc`… */
  readonly source: string
  /** the network call or stream write it reaches */
  readonly sink: string
  /** runs when the module is loaded (top level or a callback started there), not only when called */
  readonly onLoad: boolean
}

export interface HookSite extends Site {
  /** what is replaced: `window.fetch`, `XMLHttpRequest.prototype.open`, `ethereum.request`, `Module.prototype._compile` */
  readonly target: string
  readonly kind: 'network' | 'wallet' | 'module-loader'
}

export interface DestructiveSite extends Site {
  /** `fs.rmSync recursive`, `overwrites every file under a directory`… */
  readonly what: string
  /** the condition guarding it */
  readonly gate?: 'time' | 'geo'
  readonly onLoad: boolean
  /** the fixed path is absolute, in the home or temporary directory, the working directory or a parent: not a path inside the package */
  readonly outside: boolean
}

export interface BehaviourFacts {
  readonly flows: readonly FlowSite[]
  /** host identity read: hostname, user, network interfaces */
  readonly identity: readonly Site[]
  readonly hooks: readonly HookSite[]
  /** eval, Function, vm or module compilation of data received from the network */
  readonly remoteCode: readonly Site[]
  /** code compiled into a module object by hand (`new module.constructor`, `_compile`) */
  readonly moduleCompile: readonly Site[]
  /** a wallet transaction to an address written in the code */
  readonly walletTransfers: readonly Site[]
  /** wallet-address literals and patterns: what a clipper swaps */
  readonly walletMarkers: number
  readonly destructive: readonly DestructiveSite[]
  /** the file downloads something, writes a file and makes it executable or runs a computed command */
  readonly downloadExecute?: Site
  /** a hash is computed (a download is checked against a checksum) */
  readonly checksum: boolean
  /** a loop at the top level that never ends: loading the module never returns */
  readonly hang?: Site
}

export const emptyBehaviour = (): BehaviourFacts => ({ flows: [], identity: [], hooks: [], remoteCode: [], moduleCompile: [], walletTransfers: [], walletMarkers: 0, destructive: [], checksum: false })

/** Globals whose replacement sees every request, every wallet call or every loaded module. */
export const HOOK_TARGET: readonly { readonly re: RegExp; readonly kind: HookSite['kind'] }[] = [
  { re: /^(?:(?:window|globalThis|global|self)\.)?(?:fetch|XMLHttpRequest|WebSocket)$/, kind: 'network' },
  { re: /XMLHttpRequest\.prototype\.(?:open|send|setRequestHeader)$/, kind: 'network' },
  { re: /(?:^|\.)ethereum(?:\.(?:request|send|sendAsync|enable))?$|(?:^|\.)(?:solana|phantom)(?:\.\w+)?$/, kind: 'wallet' },
  { re: /(?:^|\.)require\.extensions(?:\.|$)|(?:^|\.)Module\.(?:prototype\.)?(?:_compile|_load|_resolveFilename|require)$|module\.constructor\.(?:prototype\.)?_compile$/, kind: 'module-loader' },
]

/** Names that hold private key material. */
export const KEY_MATERIAL = /^(?:privateKey|private_key|privKey|secretKey|secret_key|mnemonic|seedPhrase|seed_phrase|walletKey|keypair\.secretKey)$/i

/** Regular expressions that find secrets in files: token and private-key shapes (a certificate bundle split on `-----BEGIN CERTIFICATE` is not one). */
export const SECRET_PATTERN = /AKIA|ghp_|gho_|github_pat|npm_\[|xox[abpr]|sk_live|PRIVATE KEY|mfa\\?\.|\[\\w-\]\{24\}|\[\\w-\]\{27\}/

/** Browser credential stores and wallet extension data: nothing honest in a package reads them. */
export const BROWSER_STORE = /^(?:Login Data|Local Extension Settings.*|Web Data|Cookies|Local State|wallet\.dat|exodus\.wallet|[a-p]{32})$|Local Extension Settings[\\/]|nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa|[\\/]Exodus[\\/]|[\\/]atomic[\\/]Local Storage/

/** A wallet address. */
export const WALLET_ADDRESS = /^0x[a-fA-F0-9]{40}$|^(?:bc1|[13])[a-km-zA-HJ-NP-Z1-9]{25,39}$/

/** Conditions on the date. */
export const GATE_TIME = /\bDate\.now\b|\bnew Date\b|\.getTime\(|\.getFullYear\(|\.getMonth\(|\.getDate\(/

/** Conditions on where the machine is. */
export const GATE_GEO = /\b(?:russia|belarus|ukraine|china|iran|israel|country|country_name|countryCode|country_code|geoip|ipgeolocation|timeZone|timezone|getTimezoneOffset)\b/i

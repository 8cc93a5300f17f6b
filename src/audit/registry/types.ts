/** @fileoverview The shapes of npm registry documents as stagelight reads them, and the facts derived from them. */

/** A person as the registry records it (`maintainers[]`, `_npmUser`). */
export interface RegistryPerson {
  readonly name?: string
  readonly email?: string
}

/** One version's manifest inside a full package document (only the fields stagelight reads). */
export interface PackumentVersion {
  readonly name?: string
  readonly version?: string
  readonly scripts?: Readonly<Record<string, unknown>>
  readonly gypfile?: boolean
  /** set by some registries when the tarball holds install scripts or a binding.gyp */
  readonly hasInstallScript?: boolean
  readonly maintainers?: readonly RegistryPerson[] | unknown
  readonly _npmUser?: RegistryPerson | unknown
  readonly deprecated?: string | unknown
  readonly repository?: string | { readonly type?: string; readonly url?: string; readonly directory?: string } | unknown
  readonly license?: string | { readonly type?: string } | unknown
  readonly licenses?: readonly ({ readonly type?: string } | string)[] | unknown
  readonly dependencies?: Readonly<Record<string, string>> | unknown
  readonly optionalDependencies?: Readonly<Record<string, string>> | unknown
  readonly dist?: {
    readonly integrity?: string
    readonly shasum?: string
    readonly tarball?: string
    readonly signatures?: readonly { readonly keyid?: string; readonly sig?: string }[]
    readonly attestations?: { readonly url?: string; readonly provenance?: { readonly predicateType?: string } }
  }
}

/** A full package document (`Accept: application/json`), not the abbreviated install format. */
export interface Packument {
  readonly name?: string
  readonly 'dist-tags'?: Readonly<Record<string, string>>
  readonly versions?: Readonly<Record<string, PackumentVersion>>
  /** `created`, `modified`, one entry per version ever published, and `unpublished` for removed packages */
  readonly time?: Readonly<Record<string, unknown>>
  readonly maintainers?: readonly RegistryPerson[] | unknown
  readonly repository?: PackumentVersion['repository']
  readonly license?: PackumentVersion['license']
}

/**
 * A fact the registry may or may not provide. `known: false` means the document does not say —
 * never that the answer is "no".
 */
export type Fact<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly reason: string }

export const knownValue = <T>(fact: Fact<T>): T | undefined => (fact.known ? fact.value : undefined)

/** What one version of a package is, as far as its registry document tells. */
export interface VersionFacts {
  readonly name: string
  readonly version: string
  /** preinstall/install/postinstall as declared; `implied` lists install steps npm adds by itself (gypfile / binding.gyp → `node-gyp rebuild`) */
  readonly installScripts: { readonly declared: Readonly<Record<string, string>>; readonly implied: readonly string[] }
  /** per-version maintainer list (npmjs records it at publish time) */
  readonly maintainers: Fact<readonly string[]>
  /** who published it (`_npmUser`) */
  readonly publisher: Fact<{ readonly name: string; readonly email?: string }>
  /** `time[version]`, ISO 8601 */
  readonly publishedAt: Fact<string>
  readonly deprecated: string | undefined
  /** the declared repository, raw and normalised (`github.com/owner/repo`); undefined when none is declared */
  readonly repository: { readonly raw: string; readonly normalised: string } | undefined
  readonly license: string | undefined
  readonly dependencies: Readonly<Record<string, string>>
  readonly integrity: Fact<string>
  /** registry signatures over `name@version:integrity`; unknown when no version of the document carries any (the registry may not sign) */
  readonly signatures: Fact<readonly { readonly keyid: string; readonly sig: string }[]>
  /** provenance attestations; unknown when no version of the document carries any (the registry may not support them) */
  readonly attestations: Fact<{ readonly url: string; readonly predicateType: string | undefined } | null>
}

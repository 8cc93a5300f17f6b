import type { TreeEntry } from '../../model/tree.js'

export interface Repository {
  /** the git directory commands run against (a bare repository or a work tree's .git) */
  readonly gitDir: string
  /** what the user named: a path or a URL */
  readonly spec: string
}

export interface TagFacts {
  readonly name: string
  /** the tag object's id for annotated tags, the commit id for lightweight ones */
  readonly objectId: string
  readonly commit: string
  readonly annotated: boolean
  readonly tagger?: { readonly name: string; readonly email: string; readonly date: string }
  readonly signed: boolean
  readonly signatureKind?: 'openpgp' | 'ssh' | 'x509'
  readonly keyId?: string
  /** set only when a keyring was given: the outcome of verifying with it */
  readonly signatureValid?: boolean
  readonly signatureDetail?: string
}

/** The tree of a ref as `git archive` would ship it: export-ignore paths removed, export-subst paths substituted. */
export interface SourceTree {
  readonly ref: string
  readonly commit: string
  readonly entries: ReadonlyMap<string, TreeEntry>
  /** the export-ignored entries by path, in path order, as the tag holds them: a release made by `make dist` from a checkout ships them */
  readonly exportIgnored: ReadonlyMap<string, TreeEntry>
  readonly exportSubst: readonly string[]
}

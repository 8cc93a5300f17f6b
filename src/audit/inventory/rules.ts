/** @fileoverview Metadata of the lockfile hygiene rules of `stagelight audit`. */
import type { RuleInfo } from '../../rules/types.js'

export const NON_REGISTRY_SOURCE = 'audit/lockfile-non-registry-source'
export const INSECURE_URL = 'audit/lockfile-insecure-url'
export const MISSING_INTEGRITY = 'audit/lockfile-missing-integrity'
export const UNEXPECTED_HOST = 'audit/lockfile-unexpected-host'
export const RESOLVED_MISMATCH = 'audit/lockfile-resolved-mismatch'
export const WEAK_INTEGRITY = 'audit/lockfile-weak-integrity'

export const inventoryRules: readonly RuleInfo[] = [
  {
    id: NON_REGISTRY_SOURCE,
    title: 'Dependency from outside the registry',
    short: 'A locked package comes from a git repository, a tarball URL or a local path instead of the registry.',
    motivation:
      'Git and tarball dependencies bypass everything the registry offers: immutable versions, integrity hashes computed at publish time, provenance, advisories and takedowns. A git branch or a URL can serve different code tomorrow, and the package runs its install scripts (git dependencies even run `prepare`) on every machine that installs it. Local paths outside the project tie the build to files nobody reviews with it.',
    remediation:
      'Depend on a published registry version where one exists; otherwise pin git dependencies to a full commit hash on a repository you trust, and vendor or publish local packages.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
  {
    id: INSECURE_URL,
    title: 'Package fetched over plain HTTP',
    short: 'A locked package is resolved from an http: or git:// URL, without transport security.',
    motivation:
      'Anyone on the network path (public Wi-Fi, a compromised proxy, a CI provider’s network) can substitute the package while it downloads; without an integrity hash the substitution goes unnoticed, and even with one the lockfile itself can be poisoned the same way when it is regenerated.',
    remediation: 'Change the registry and the resolved URLs to https: (`npm config set registry https://…`, then regenerate the lockfile) and check that the integrity hashes match the registry.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: MISSING_INTEGRITY,
    title: 'Locked package without an integrity hash',
    short: 'A registry or tarball package has no integrity hash (or yarn checksum) in the lockfile.',
    motivation:
      'The integrity hash is what makes a lockfile reproducible: without it, the package manager installs whatever the server returns for that URL, so a compromised registry, mirror or proxy can serve different bytes under the same version.',
    remediation: 'Regenerate the lockfile with a current package manager so that every entry records its hash, and review why the hash was missing (hand edits, old tools, merge resolutions).',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
  {
    id: UNEXPECTED_HOST,
    title: 'Package resolved from an unexpected registry host',
    short: 'A locked registry package was resolved from a host other than the configured registry.',
    motivation:
      'Lockfiles pin the URL a package was downloaded from. An entry pointing at another host — a personal mirror, a typo-squatted registry, an attacker’s server slipped into a pull request (“lockfile injection”) — is installed from there, whatever the configured registry says.',
    remediation: 'Check that the host is one your organisation uses (add it to the allowed registries if it is), otherwise regenerate the entry against the configured registry and compare integrity hashes.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  {
    id: RESOLVED_MISMATCH,
    title: 'Resolved URL names another package',
    short: 'A locked registry package is resolved to the tarball of a different package or version.',
    motivation:
      'The package manager installs what the resolved URL serves, whatever name and version the entry claims. A lockfile edited to point `lodash` at another package’s tarball (lockfile injection) installs that package under a trusted name, and reviews of the name and version see nothing wrong.',
    remediation: 'Regenerate the entry from the registry (`npm install <name>@<version>`) and find out where the edited lockfile came from.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: WEAK_INTEGRITY,
    title: 'Integrity hash only SHA-1',
    short: 'A locked package is protected only by a SHA-1 hash.',
    motivation:
      'SHA-1 collisions can be computed: an attacker who controls a tarball can make two with the same SHA-1, and a lockfile holding only that hash cannot tell them apart. npm records SHA-512 for every package published since 2017.',
    remediation: 'Regenerate the lockfile with a current package manager so the entry records the registry’s SHA-512 integrity.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
]

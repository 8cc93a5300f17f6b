/**
 * @fileoverview From a distribution package to the upstream project it packages, for advisories a
 * distribution never recorded: OSV's CVE records (the `GIT` ecosystem) name a repository and list
 * the affected release tags (`versions`), not a package. A Debian source package is mapped to its
 * repository by a short list of well-known projects whose Debian name differs from the project's
 * (xz-utils is tukaani-project/xz), else by name: a project hosted under its own name as owner and
 * repository (`github.com/systemd/systemd` for `systemd`). The upstream version is the Debian one
 * without epoch, revision and repacking suffix (`1:9.7p1-4` is 9.7p1, `5.6.1+really5.4.5-1` is 5.4.5);
 * a tag is compared by its version digits and letters (`V_9_7_P1`, `v5.6.1`, `OpenSSL_1_1_1w`).
 */

/** Debian source packages whose upstream repository is not `<host>/<name>/<name>`. */
export const UPSTREAM_REPOSITORIES: Readonly<Record<string, readonly string[]>> = {
  'xz-utils': ['github.com/tukaani-project/xz', 'git.tukaani.org/xz.git'],
  openssh: ['github.com/openssh/openssh-portable', 'anongit.mindrot.org/openssh.git'],
  zlib: ['github.com/madler/zlib'],
  expat: ['github.com/libexpat/libexpat'],
  libxml2: ['gitlab.gnome.org/gnome/libxml2', 'github.com/gnome/libxml2'],
  libxslt: ['gitlab.gnome.org/gnome/libxslt', 'github.com/gnome/libxslt'],
  'glib2.0': ['gitlab.gnome.org/gnome/glib', 'github.com/gnome/glib'],
  sudo: ['github.com/sudo-project/sudo'],
  gnutls28: ['gitlab.com/gnutls/gnutls'],
  'libpng1.6': ['github.com/pnggroup/libpng', 'github.com/glennrp/libpng'],
  tiff: ['gitlab.com/libtiff/libtiff'],
  libwebp: ['chromium.googlesource.com/webm/libwebp', 'github.com/webmproject/libwebp'],
  openjpeg2: ['github.com/uclouvain/openjpeg'],
  libzstd: ['github.com/facebook/zstd'],
  pcre2: ['github.com/pcre2project/pcre2'],
  shadow: ['github.com/shadow-maint/shadow'],
  apache2: ['github.com/apache/httpd'],
  glibc: ['sourceware.org/git/glibc.git'],
  bash: ['git.savannah.gnu.org/git/bash.git'],
  tar: ['git.savannah.gnu.org/git/tar.git'],
}

/**
 * A repository URL as a comparable key: no scheme, credentials, `.git` or trailing slash, lower
 * case (`https://github.com/Tukaani-Project/xz.git` → `github.com/tukaani-project/xz`).
 */
export function repositoryKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^git\+/, '')
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
}

/** The repositories a Debian source package may be published from, as {@link repositoryKey}s. */
export function upstreamRepositories(sourceName: string): string[] {
  const name = sourceName.toLowerCase()
  const known = UPSTREAM_REPOSITORIES[name]
  const keys = (known ?? []).map(repositoryKey)
  // a project under its own name: most upstreams whose Debian name is the project's
  for (const host of ['github.com', 'gitlab.com']) keys.push(`${host}/${name}/${name}`)
  return [...new Set(keys)]
}

/**
 * The upstream release a Debian version packages: no epoch, no Debian revision, the version after
 * `+really` (a rollback packaged under a higher number), no repacking suffix (`+dfsg`, `+ds`).
 */
export function upstreamVersion(debianVersion: string): string {
  let v = debianVersion.trim().replace(/^\d+:/, '')
  const dash = v.lastIndexOf('-')
  if (dash > 0) v = v.slice(0, dash)
  const really = /\+really(.+)$/i.exec(v)
  if (really?.[1] !== undefined) v = really[1]
  // `~` orders a pre-release (1.0~rc1 is 1.0-rc1 upstream) and stays; `+` adds a repacking
  return v.split('+')[0] ?? v
}

/**
 * A version or release tag as the list of its numbers and words: `5.6.1`, `v5.6.1` and
 * `xz-5.6.1` are [5, 6, 1]; `9.7p1` and `V_9_7_P1` are [9, 7, p, 1]. A tag's prefix (letters and
 * separators before the first digit) is the project's or the convention's and is dropped.
 * Undefined for a tag with no digit.
 */
export function versionTokens(text: string): string[] | undefined {
  const lower = text.trim().toLowerCase()
  const firstDigit = lower.search(/\d/)
  if (firstDigit < 0) return undefined
  const prefix = lower.slice(0, firstDigit)
  if (!/^[a-z._/-]*$/.test(prefix)) return undefined
  const tokens = lower.slice(firstDigit).match(/\d+|[a-z]+/g) ?? []
  return tokens.map((t) => (/^\d+$/.test(t) ? String(Number(t)) : t))
}

/** Whether a release tag names this upstream version. */
export function tagMatchesVersion(tag: string, version: string): boolean {
  const a = versionTokens(tag)
  const b = versionTokens(version)
  return a !== undefined && b !== undefined && a.length === b.length && a.every((t, i) => t === b[i])
}

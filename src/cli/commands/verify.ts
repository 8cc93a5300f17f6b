import { Command } from 'commander'
import { StagelightError } from '../../errors.js'
import { fetchTarball, isPackageSpec, loadRegistryConfig, parsePackageSpec, repositoryOf, resolvePackage } from '../../sources/npm/index.js'
import { defaultUserStore } from '../../verify/catalog/add.js'
import { parseSubmoduleOption } from '../../verify/submodules.js'
import { verify } from '../../verify/verify.js'
import { addOutputOptions, defaultCacheDir, emitReport, resolveFrom, type OutputOptions } from '../common.js'
import { progressReporter, type CliIO } from '../io.js'

interface VerifyFlags extends OutputOptions {
  readonly source?: string
  readonly registry?: string
  readonly ref?: string
  readonly keyring?: string
  readonly regenerate: boolean
  readonly offline: boolean
  readonly cacheDir?: string
  readonly catalog?: string
  readonly systemCatalog: boolean
  readonly submodule: string[]
  readonly gnulib?: string
}

const EXAMPLES = `
Examples:
  $ stagelight verify xz-5.6.1.tar.gz --source https://github.com/tukaani-project/xz
  $ stagelight verify dist/foo-1.2.3.tar.xz --source ../foo --ref v1.2.3 --regenerate
  $ stagelight verify foo-1.2.3.tgz --source ../foo --format json --output report.json
  $ stagelight verify release/ --source . --keyring maintainer.asc --fail-on medium
  $ stagelight verify coreutils-9.1.tar.xz --source ../coreutils --submodule gnulib=../gnulib
  $ stagelight verify lftp-4.9.3.tar.xz --source ../lftp --ref v4.9.3 --gnulib ../gnulib
  $ stagelight verify frobnicate-3.2.0.tar.gz --source ../frobnicate --ref v3.2.0   # a Python sdist
  $ stagelight verify npm:ky@1.7.2                  # from the registry, against the repository it names
  $ stagelight verify npm:@scope/pkg@2.0.1 --source ../pkg --ref pkg@2.0.1

What the tag pins of another repository (a submodule, a submodule of a given submodule, a
meson [wrap-git] subproject, a directory that a fetch script of the tag fills at a fixed
commit, or one a script of the tag copies out of a repository it clones, in a loop or not) is
compared only when that repository is given with --submodule PATH=REPO: files under PATH, and
files a bootstrap copied out of it (gnulib-tool), are then checked against the pinned commit
(a wrap's branch or tag name, or a clone at no fixed version: against every version the
repository had). Without it they are not compared, still read by the rules, and one
verify/not-compared finding per pin says so (low for a commit id; medium for a branch or tag
name or no version when the build compiles or runs some of them). A tag whose bootstrap imports gnulib without pinning it (it has
gnulib-cache.m4 or bootstrap.conf, no gnulib submodule): --gnulib REPO checks every file
gnulib-tool's list in the release names against every version of that file in gnulib's history;
without it the copied C sources are a high finding (verify/not-compared).

Artifacts: a directory, .tar, .tar.gz/.tgz, .tar.xz, .tar.bz2, .tar.zst, .zip, an npm
package tarball, or npm:name@version (fetched from the registry in .npmrc, integrity checked,
cached; --source defaults to the repository its manifest names); the format is read from the
bytes, not the name. An npm package's built files (dist/ and the like) are explained when the
tag builds them and they do nothing its sources do not name; its package.json is compared field
by field (an install script or a dependency the tag lacks is a finding). A single top-level
directory (foo-1.2.3/, package/) is stripped. A release made from one directory of the
repository (src/, lib/) is found by its files (an npm package of a monorepo: by the
package.json that carries its name) and compared with that directory; the facts
line "source" names it.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or
unreadable input; 3 could not complete; 70 internal error.`

const isUrl = (spec: string): boolean => /^[\w+.-]+:\/\/|^[\w.-]+@[\w.-]+:/.test(spec)

export function verifyCommand(io: CliIO, setExit: (code: number) => void): Command {
  const command = new Command('verify')
    .summary('check that a release artifact contains exactly what its source tag produces')
    .description(
      'Compares a release artifact with the tree of its source tag and explains every difference ' +
        '(known upstream files matched byte for byte, generated autotools output, scanners and parsers ' +
        'made again with the installed flex and bison, translations, version stamps, the metadata and ' +
        'version file of a Python source distribution) or reports it with evidence. Nothing is extracted; ' +
        'nothing from the artifact is executed (flex and bison run with the m4 builtins that run commands ' +
        'removed). --regenerate runs autoreconf on the source tag (m4 may run commands).',
    )
    .argument('<artifact>', 'release artifact: archive file, directory or npm:name@version')
    .option('-s, --source <git>', "the source: a local git repository (bare or not) or a git URL (for npm:name@version, default: the package's repository)")
    .option('-r, --ref <ref>', 'tag or commit to compare with (default: inferred from the artifact name)')
    .option('--keyring <file>', 'verify the tag signature against these OpenPGP public keys')
    .option('--regenerate', 'regenerate autotools output from the tag and compare (runs autoreconf -fi)', false)
    .option('--offline', 'never touch the network: a URL source must already be cached', false)
    .option('--cache-dir <dir>', 'where cloned sources, the scan of installed autotools files, and the file versions of the --gnulib repository and of a subproject pinned by a branch or tag name are kept between runs (default: $XDG_CACHE_HOME/stagelight)')
    .option('--catalog <dir>', 'extra catalog of known upstream files (see `stagelight catalog add`)')
    .option('--no-system-catalog', 'do not count autotools files installed on this system as known versions')
    .option('--submodule <path=repo>', 'the repository of what the tag pins at PATH: a submodule, a meson subproject, a fetched or cloned directory (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--gnulib <repo>', "gnulib's repository, for a tag whose bootstrap imports gnulib without pinning it")
    .option('--registry <url>', 'npm:name@version: the registry to fetch from (default: from .npmrc)')
  addOutputOptions(command).addHelpText('after', EXAMPLES)
  command.action(async (artifact: string, flags: VerifyFlags) => {
    const onProgress = progressReporter(io, flags)
    const cacheDir = flags.cacheDir ? resolveFrom(io, flags.cacheDir) : defaultCacheDir(io.env)
    let artifactPath = resolveFrom(io, artifact)
    let artifactLabel = artifact
    let source = flags.source
    if (isPackageSpec(artifact)) {
      const fetchOptions = { config: loadRegistryConfig(io.cwd, io.env, flags.registry), cacheDir, offline: flags.offline, onProgress }
      const pkg = await resolvePackage(parsePackageSpec(artifact), fetchOptions)
      artifactPath = await fetchTarball(pkg, fetchOptions)
      artifactLabel = `npm:${pkg.name}@${pkg.version}`
      source ??= await repositoryOf(pkg, fetchOptions)
      if (source === undefined) throw new StagelightError('E_USAGE', `${artifactLabel}: its manifest names no git repository${flags.offline ? ' (or --offline kept it from being read)' : ''}; give it with --source`)
    }
    if (source === undefined) throw new StagelightError('E_USAGE', "verify needs --source: the release's git repository (a local path or a git URL)")
    const report = await verify({
      artifact: artifactPath,
      source: isUrl(source) ? source : resolveFrom(io, source),
      ...(flags.ref ? { ref: flags.ref } : {}),
      ...(flags.keyring ? { keyring: resolveFrom(io, flags.keyring) } : {}),
      regenerate: flags.regenerate,
      offline: flags.offline,
      cacheDir,
      catalogStore: flags.catalog ? resolveFrom(io, flags.catalog) : defaultUserStore(io.env),
      systemCatalog: flags.systemCatalog,
      submodules: flags.submodule.map(parseSubmoduleOption).map((m) => ({ ...m, source: isUrl(m.source) ? m.source : resolveFrom(io, m.source) })),
      ...(flags.gnulib ? { gnulib: isUrl(flags.gnulib) ? flags.gnulib : resolveFrom(io, flags.gnulib) } : {}),
      onProgress,
      labels: { artifact: artifactLabel, source },
    })
    setExit(await emitReport(report, flags, io))
  })
  return command
}

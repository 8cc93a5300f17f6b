import { assembleReport } from '../policy/report.js'
import { basename, join } from 'node:path'
import { StagelightError } from '../errors.js'
import { bySeverityDesc, severityRank, type Finding } from '../model/finding.js'
import type { ProgressCallback } from '../model/progress.js'
import { type Explained, type Fact, type Report } from '../model/report.js'
import { analyseText, mayUseShellGrammar } from '../rules/engine.js'
import { loadShellGrammar } from '../rules/shell/tree-sitter.js'
import { openArtifact } from '../sources/archive/index.js'
import type { ArtifactTree } from '../sources/archive/types.js'
import type { TreeEntry } from '../model/tree.js'
import { commitMessages, inferRef, listTags, openBlobSession, openRepository, readSourceTree, readTagFacts, resolveRef, withExportIgnored } from '../sources/git/index.js'
import type { Repository, TagFacts } from '../sources/git/types.js'
import { archiveFindings } from './archive-findings.js'
import { Catalog } from './catalog/catalog.js'
import { compareTrees, type ComparedTrees } from './compare.js'
import { addCommit, emptyHistory, type HistoryText } from './explain/changelog.js'
import { releaseExplainers } from './explain/order.js'
import { releaseSubdirectory, sourceBelow } from './subdirectory.js'
import { packageDirectory } from './package-directory.js'
import { versionMismatches } from './explain/regenerated.js'
import { BUILD_KINDS } from './explain/build-kinds.js'
import { judge } from './explain/judge.js'
import { underTagNames } from './hardlink-names.js'
import { regenerate, type Regeneration } from './regenerate.js'
import { classifyFile } from '../rules/classify.js'
import type { FileKind } from '../rules/types.js'
import type { CodeUse } from './explain/executed.js'
import { signatureFindings } from './signature-findings.js'
import { treeView } from './view.js'
import { attributeToInputs, inputTexts, macroTexts, type MacroTexts } from './inherited.js'
import { traceInHistory } from './trace-history.js'
import { pinsOf, readSubmodules, type SubmoduleSource } from './submodules.js'
import { ancestors } from '../util/paths.js'
import { gnulibListed, type GnulibCopy } from './gnulib-list.js'
import { gnulibImportRecord, readGnulib } from './gnulib-import.js'
import { PinnedFiles } from './pinned-files.js'

export interface VerifyOptions {
  readonly artifact: string
  readonly source: string
  readonly ref?: string
  readonly keyring?: string
  readonly regenerate?: boolean
  readonly offline?: boolean
  readonly cacheDir: string
  readonly catalogStore?: string
  /** include files installed on this system by the autotools packages as known upstream versions */
  readonly systemCatalog?: boolean
  /** steps as lines, and the differences explained so far as a count towards their total */
  readonly onProgress?: ProgressCallback
  /** repositories of the tag's submodules, by their path in the tag */
  readonly submodules?: readonly SubmoduleSource[]
  /** gnulib's repository, for a tag whose bootstrap imports gnulib without pinning it */
  readonly gnulib?: string
  /** how to name the inputs in the report (as the user typed them); the paths by default */
  readonly labels?: { readonly artifact: string; readonly source: string }
}

const MAX_RETAINED_BYTES = 512 * 1024 * 1024

/** The release's version, from the tag name: `v5.6.1` → `5.6.1`. */
export const versionFromRef = (ref: string): string | undefined => ref.match(/(\d+(?:[._]\d+)+(?:[-.]?(?:rc|alpha|beta|pre)\.?\d*)?)$/)?.[1]?.replace(/_/g, '.')

const isGitMetadata = (path: string): boolean => path === '.git' || path.startsWith('.git/')

/** Bytes no decoding makes text but whose name says code (a NUL in an m4 comment): read byte for byte, as the tool that runs them does. */
const codeBytesAsText = (path: string, bytes: Buffer | undefined): string | undefined => (bytes && classifyFile(path, bytes) !== 'binary' ? bytes.toString('latin1') : undefined)

async function compareWithPrefixCheck(artifactPath: string, source: Awaited<ReturnType<typeof readSourceTree>>, onDifference: (entry: TreeEntry) => void): Promise<{ tree: ArtifactTree; compared: ComparedTrees }> {
  let tree = await openArtifact(artifactPath)
  const options = { maxRetainedBytes: MAX_RETAINED_BYTES, onDifference, ...(tree.format === 'directory' ? { ignore: isGitMetadata } : {}) }
  let compared = await compareTrees(tree, source, options)
  if (!tree.prefixHeld()) {
    tree = await openArtifact(artifactPath, { stripPrefix: false })
    compared = await compareTrees(tree, source, options)
  }
  return { tree, compared }
}

async function historyText(repo: Repository, commit: string): Promise<HistoryText> {
  const history = emptyHistory()
  for await (const c of commitMessages(repo, commit)) addCommit(history, c)
  return history
}

/** Kinds of build file that run only when the build system is regenerated (aclocal, autoconf, automake), not in `./configure && make`. */
const REGENERATION_INPUTS: ReadonlySet<FileKind> = new Set(['m4', 'autoconf', 'automake'])
/** Known by its name alone, as the rules classify it (half a microsecond: cheap enough for every comparison of a sort). */
const onlyRegenerationReads = (path: string): boolean => REGENERATION_INPUTS.has(classifyFile(path, ''))

/**
 * Of equally serious findings, what the code does comes first (a rule's finding on the code that
 * decodes and runs), then a file `./configure && make` runs (on the build machine, as the XZ
 * backdoor's first stage ran), then code it compiles, then a file only regenerating the build
 * system reads (`configure.ac`, `Makefile.am`, an m4 file aclocal.m4 includes), then the rest:
 * that is where a payload acts.
 */
const decisiveness = (f: Finding): number => {
  if (!f.ruleId.startsWith('verify/')) return 4
  const readers = Array.isArray(f.data?.readAsCodeBy) ? (f.data.readAsCodeBy as readonly CodeUse[]) : []
  if (readers.some((r) => !onlyRegenerationReads(r.path))) return 3
  if (f.data?.role === 'code') return 2
  return readers.length > 0 || (f.path !== undefined && onlyRegenerationReads(f.path)) ? 1 : 0
}
/**
 * Then what nothing accounts for: a file of the tag changed into bytes no commit ever held comes
 * before a file the repository never had (often the output of a tool no explainer knows), and
 * both before bytes the repository holds at another commit, which its maintainers committed.
 */
const unaccounted = (f: Finding): number => (f.data?.inHistory ? 0 : f.ruleId === 'verify/source-modified' ? 2 : 1)
export const decisiveFirst = (a: Finding, b: Finding): number =>
  severityRank(b.severity) - severityRank(a.severity) || decisiveness(b) - decisiveness(a) || unaccounted(b) - unaccounted(a) || bySeverityDesc(a, b)

function tagFacts(tag: TagFacts): Fact[] {
  const facts: Fact[] = [{ label: 'tag', value: `${tag.name} → ${tag.commit.slice(0, 12)}${tag.annotated ? ` (annotated, object ${tag.objectId.slice(0, 12)})` : ' (lightweight)'}` }]
  if (tag.tagger) facts.push({ label: 'tagger', value: `${tag.tagger.name} <${tag.tagger.email}> on ${tag.tagger.date}` })
  const signature = !tag.signed
    ? 'unsigned'
    : `${tag.signatureKind ?? 'signed'}${tag.keyId ? ` key ${tag.keyId}` : ''}${tag.signatureValid === undefined ? ' (not checked: no --keyring)' : tag.signatureValid ? ' — valid for the given keyring' : ' — NOT valid for the given keyring'}`
  facts.push({ label: 'signature', value: signature })
  return facts
}

/**
 * Does this release artifact contain exactly what its source tag produces? Every difference is
 * explained (with how) or reported (with evidence).
 */
export async function verify(options: VerifyOptions): Promise<Report> {
  const progress = options.onProgress ?? (() => undefined)
  const labels = options.labels ?? { artifact: options.artifact, source: options.source }
  // Open the artifact first, so unreadable input fails before any clone.
  await openArtifact(options.artifact)
  // compiled while the artifact is read, once a differing file may be read with it; most releases
  // whose only differing shell is a generated configure (read by the lexer) never need it
  let grammar: Promise<void> | undefined
  const loadGrammarFor = (entry: TreeEntry): void => {
    if (grammar || entry.content === undefined || !mayUseShellGrammar(entry.path, entry.content)) return
    grammar = loadShellGrammar()
    grammar.catch(() => undefined)
  }
  progress(`opening source ${options.source}`)
  const repo = await openRepository(options.source, { cacheDir: options.cacheDir, offline: options.offline ?? false, onProgress: progress })
  // the name the user gave (`npm:ky@1.7.2`) says the version better than the cached file's
  const ref = options.ref ?? inferRef(await listTags(repo), basename(labels.artifact))
  // two git lookups at once; a ref that does not resolve is reported as such, whatever the other says
  const tagRead = readTagFacts(repo, ref, options.keyring ? { keyring: options.keyring } : {})
  tagRead.catch(() => undefined)
  const resolved = await resolveRef(repo, ref)
  const { commit } = resolved
  const tag = await tagRead
  progress(`reading source tree at ${ref}`)
  let source = withExportIgnored(await readSourceTree(repo, resolved))
  const openOptions = { cacheDir: options.cacheDir, offline: options.offline ?? false, onProgress: progress }
  if (options.submodules?.length) progress(`reading the submodules ${options.submodules.map((m) => m.path).join(', ')}`)
  // the directories the user names are checked now, before the artifact is read
  const given = options.submodules ?? []
  const givenPins = await pinsOf(repo, source, new Set(given.map((m) => m.path)))
  const submoduleTrees = await readSubmodules(given, givenPins, ref, (spec) => openRepository(spec, openOptions), options.cacheDir)
  const gnulibRecord = gnulibImportRecord(source.entries.keys())
  const gnulibHistory = options.gnulib !== undefined ? await readGnulib(options.gnulib, source, gnulibRecord, ref, (spec) => openRepository(spec, openOptions), progress, options.cacheDir) : undefined
  // opened as the first differing file is read, so that its data is inflated while the rest is compared
  let catalog: Promise<Catalog> | undefined
  const loadCatalog = (): Promise<Catalog> =>
    (catalog ??= Catalog.load({
      ...(options.catalogStore ? { userStore: options.catalogStore } : {}),
      ...(options.systemCatalog === false ? { systemDirs: false } : {}),
      systemCacheFile: join(options.cacheDir, 'system-catalog.json'),
    }))
  const onDifference = (entry: TreeEntry): void => {
    loadGrammarFor(entry)
    // a failure is reported where the catalog is first needed, not here
    if (entry.kind === 'file' && catalog === undefined) loadCatalog().catch(() => undefined)
  }
  // the user's store is checked up front, so a broken one fails whatever the release holds
  if (options.catalogStore) await Catalog.checkStore(options.catalogStore)

  progress(`reading ${options.artifact}`)
  let { tree, compared } = await compareWithPrefixCheck(options.artifact, source, onDifference)
  // a release made from one directory of the repository is compared with that directory
  // (an npm package of a monorepo: the directory whose package.json has its name)
  const subdirectory = releaseSubdirectory(compared, source) ?? (await packageDirectory(compared, source, repo))
  if (subdirectory !== undefined) {
    progress(`the release holds ${subdirectory}/ of the tag: comparing with that directory`)
    source = sourceBelow(source, subdirectory)
    ;({ tree, compared } = await compareWithPrefixCheck(options.artifact, source, onDifference))
  }
  // source files are read one by one as differences are explained: from one git process, ended here
  const blobs = openBlobSession(repo)
  const view = treeView(compared, source, blobs)
  try {
    const incomplete: string[] = []
    if (tree.truncated()) incomplete.push('the artifact was read only up to a safety limit; files after that point were not compared')
    if (compared.contentDropped.length > 0) incomplete.push(`${compared.contentDropped.length} differing file(s) were too large to keep for line-level analysis`)

    let regeneration: Regeneration | undefined
    if (options.regenerate) {
      progress('regenerating autotools output from the tag (autoreconf -fi)')
      try {
        regeneration = await regenerate(repo, commit, subdirectory)
      } catch (err) {
        if (err instanceof StagelightError && err.code === 'E_INCOMPLETE') incomplete.push(err.message)
        else throw err
      }
    }

    const version = versionFromRef(ref)
    let history: Promise<HistoryText> | undefined
    progress(`explaining ${compared.differences.length} difference(s)`)
    // every text the rules read below is a differing file's, each seen by loadGrammarFor as it was read
    if (grammar) await grammar
    const explainers = releaseExplainers({
      ref,
      commit,
      version,
      submodules: submoduleTrees,
      catalog: loadCatalog,
      history: () => (history ??= historyText(repo, commit)),
      ...(regeneration ? { regeneration } : {}),
    })
    for (const explainer of explainers) explainer.prepare?.(compared.differences, view)

    const buildTexts = new Map<string, string>()
    for (const [path, entry] of compared.artifactEntries) {
      if (!entry.content) continue
      const text = view.artifactText(path)
      if (text !== undefined && BUILD_KINDS.has(classifyFile(path, entry.content))) buildTexts.set(path, text)
    }

    const explained: Explained[] = []
    const sourceLinkTarget = (path: string): string | undefined => {
      const entry = source.entries.get(path)
      return entry?.kind === 'symlink' ? entry.linkTarget : undefined
    }
    const findings: Finding[] = [...archiveFindings(tree.issues, sourceLinkTarget), ...signatureFindings(tag, options.keyring)]
    // a fetch script is read only in a directory that holds files the tag lacks
    const holding = new Set(compared.differences.filter((d) => d.status === 'only-in-artifact').flatMap((d) => [...ancestors(d.path)]))
    const found = holding.size > 0 ? await pinsOf(repo, source, holding) : []
    // a submodule given pins its own submodules in turn
    const nestedPins = submoduleTrees.flatMap((t) => t.nested)
    const pins = [...givenPins, ...nestedPins, ...found.filter((p) => !givenPins.some((g) => g.path === p.path))]
    // files of a submodule or a pinned fetch come from another repository at the commit the tag pins;
    // so do the files gnulib-tool copied out of a pinned gnulib, as the release's own list names them
    let listed: ReadonlyMap<string, GnulibCopy> | undefined
    const unpinnedGnulib = gnulibRecord !== undefined ? { record: gnulibRecord, bytesOf: (p: string) => view.artifactBytes(p), ...(gnulibHistory ? { history: gnulibHistory } : {}) } : undefined
    const pinned = new PinnedFiles(pins, submoduleTrees, () => (listed ??= gnulibListed(compared.artifactPaths, (p) => view.artifactText(p))), unpinnedGnulib)
    let onlyInSource = 0
    let scanned = 0
    // what an explanation leaves to the rules, and what was not compared (not compared is not trusted)
    const scanWithRules = (path: string): number => {
      const text = view.artifactText(path) ?? codeBytesAsText(path, view.artifactBytes(path))
      if (text === undefined) return 0
      findings.push(...analyseText(path, text, view.ruleContext()))
      return 1
    }
    const total = compared.differences.length
    for (const [index, difference] of compared.differences.entries()) {
      progress({ label: 'explaining differences', done: index, total })
      if (difference.status === 'only-in-source') {
        onlyInSource += 1
        continue
      }
      const fromPin = pinned.verdict(difference)
      if (fromPin) {
        if (fromPin.explained) explained.push(fromPin.explained)
        findings.push(...(fromPin.findings ?? []))
        if (fromPin.scan) scanned += scanWithRules(difference.path)
        continue
      }
      const judgement = await judge(difference, view, explainers, buildTexts)
      if (!judgement) continue
      if (judgement.outcome === 'explained') explained.push(judgement.explained)
      findings.push(...(judgement.findings ?? []))
      if (judgement.scan) scanned += scanWithRules(difference.path)
    }
    if (total > 0) progress({ label: 'explaining differences', done: total, total })
    findings.push(...pinned.uncomparedFindings())

    const generated = explained.filter((e) => e.category === 'generated')
    const generatedConfigure = new Set(generated.filter((e) => /(^|\/)configure$/.test(e.path)).map((e) => e.path))
    // inputs are read only for generated files that carry a rule hit
    const withHits = new Set(findings.filter((f) => f.path && !f.ruleId.startsWith('verify/')).map((f) => f.path))
    const shippedMacros = new Map<string, string>()
    const configureHits = [...generatedConfigure].some((p) => withHits.has(p))
    if (configureHits) {
      // the macros, and configure.ac, whose own shell autoconf copies into configure
      for (const path of compared.artifactPaths) {
        if (!/\.m4$|(?:^|\/)configure\.(?:ac|in)$/.test(path)) continue
        const text = view.artifactText(path) ?? (await view.sourceText(path))
        if (text !== undefined) shippedMacros.set(path, text)
      }
    }
    const macros = configureHits ? macroTexts(shippedMacros) : new Map()
    // a generated Makefile.in holds its Makefile.am's rules: those are the tag's code
    const makefileInputs = new Map<string, MacroTexts>()
    for (const e of generated) {
      if (!withHits.has(e.path) || !e.path.endsWith('.in')) continue
      const input = e.path.replace(/\.in$/, '.am')
      const text = await view.sourceText(input)
      if (text !== undefined) makefileInputs.set(e.path, inputTexts(new Map([[input, text]])))
    }
    const attributed = attributeToInputs(findings, (p) => (generatedConfigure.has(p) ? macros : makefileInputs.get(p)))
    findings.splice(0, findings.length, ...underTagNames(attributed, compared.artifactEntries, source.entries))
    findings.sort(decisiveFirst)
    findings.splice(0, findings.length, ...(await traceInHistory(findings, repo, commit, compared.artifactEntries, subdirectory)))
    // bytes a branch published after the tag weigh less: the order follows
    findings.sort(decisiveFirst)
    // One verdict per file: a file with a finding that counts is reported, not also listed as explained.
    const flagged = new Set(findings.filter((f) => f.severity !== 'info' && f.path).map((f) => f.path))
    explained.splice(0, explained.length, ...explained.filter((e) => !flagged.has(e.path)))
    const facts: Fact[] = [
      { label: 'artifact', value: `${labels.artifact} (${tree.format}${tree.prefix() ? `, top directory ${tree.prefix()}/ stripped` : ''})` },
      { label: 'source', value: `${labels.source} at ${ref}${subdirectory !== undefined ? `, directory ${subdirectory}/ (the release is made from it)` : ''}` },
      ...tagFacts(tag),
      { label: 'files', value: `${compared.artifactFiles} in the artifact, ${compared.identical} identical to the source, ${compared.differences.length - onlyInSource} different, ${onlyInSource} only in the source` },
    ]
    const pinFacts = pinned.describe()
    if (pinFacts) facts.push({ label: 'submodules', value: pinFacts })
    if (regeneration) facts.push({ label: 'regenerated with', value: `${regeneration.command} (${Object.entries(regeneration.tools).map(([k, v]) => `${k} ${v}`).join(', ')})` })
    const mismatched = regeneration ? versionMismatches(regeneration, view) : undefined
    if (mismatched) facts.push({ label: 'tool versions', value: mismatched })
    return assembleReport({
      command: 'verify',
      order: decisiveFirst,
      subject: { artifact: labels.artifact, source: labels.source, ref, commit },
      facts,
      findings,
      explained,
      summary: {
        artifactFiles: compared.artifactFiles,
        identical: compared.identical,
        explained: explained.length,
        reproduced: explained.filter((e) => e.reproduced).length,
        unexplained: compared.differences.length - onlyInSource - explained.length,
        onlyInSource,
        scannedFiles: scanned,
        tag: { name: tag.name, objectId: tag.objectId, commit: tag.commit, annotated: tag.annotated, signed: tag.signed, keyId: tag.keyId ?? null, signatureValid: tag.signatureValid ?? null, tagger: tag.tagger ?? null },
        format: tree.format,
      },
      incomplete,
    })
  } finally {
    blobs.close()
  }
}


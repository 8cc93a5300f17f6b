/**
 * @fileoverview One pass over a tree: each file is classified and judged as it streams past, and
 * only compact facts are kept. Build files wait for the end, when every path of the tree is known
 * (their rules ask whether the files they read exist), and data files are tied to the steps and
 * tests that name them.
 */
import { bySeverityDesc, type Finding, type Severity } from '../model/finding.js'
import type { TreeEntry } from '../model/tree.js'
import { dataFileFindings, decodeText, inspectDataFile, type DataFileFacts } from '../data-files/index.js'
import { analyseJavaScript, analyseScriptFile, isScriptFile, judgePackage, readManifest } from '../npm/index.js'
import { classifyFile, isUnderTestDir, runPhase } from '../rules/classify.js'
import { runRules } from '../rules/engine.js'
import { BUILD_LOGIC } from '../rules/scope.js'
import type { FileKind, TextFile } from '../rules/types.js'
import { MentionIndex, TestWords } from './references.js'
import { PackageGroups } from './packages.js'

export interface CollectorOptions {
  /** the rule ids that may report */
  readonly enabled: ReadonlySet<string>
  /** the tree is a `node_modules` directory, so its top-level directories are packages */
  readonly rootIsNodeModules?: boolean
  /** the tree is a repository's commit: every file in it is source that people wrote */
  readonly treeIsSource?: boolean
  /** build files kept for the end of the pass, at most this many bytes; later ones are judged at once */
  readonly maxDeferredBytes?: number
}

export interface ScanTotals {
  files: number
  bytes: number
  /** files too large to read into memory, not analysed */
  tooLarge: { path: string; size: number }[]
  byKind: Partial<Record<FileKind, number>>
  dataFiles: number
  packages: number
}

const BUILD_KINDS: ReadonlySet<FileKind> = new Set<FileKind>([...BUILD_LOGIC, 'python-build', 'ci-workflow'])
const MAKE_KINDS: ReadonlySet<FileKind> = new Set<FileKind>(['makefile', 'automake', 'makefile-in'])
const DEFAULT_MAX_DEFERRED = 256 * 1024 * 1024
const MAX_TOO_LARGE_LISTED = 50


/** Directories of scripts a user may run by hand, which no build or install step runs. */
const BY_HAND_DIR = /(?:^|\/)(?:samples?|examples?|contrib|extras?|docs?|misc|demos?|debug|maint|maintainer)\//i

/**
 * A plain script that runs only in tests, or only when someone runs it by hand, is judged one step
 * lower: the same idiom matters less there than in what every build runs. Build logic (m4, make,
 * configure, CMake, meson) is never lowered, wherever it lives.
 */
function standalonePlace(path: string, kind: FileKind): string | undefined {
  if (kind !== 'shell') return undefined
  if (runPhase(path, kind) === 'test') return 'a test script'
  if (BY_HAND_DIR.test(path)) return 'a script run by hand, not by the build'
  return undefined
}

const LOWER: Readonly<Record<Severity, Severity>> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', info: 'info' }

function lowered(finding: Finding, where: string): Finding {
  if (finding.severity === 'info' || finding.severity === 'low') return finding
  return { ...finding, severity: LOWER[finding.severity], message: `${finding.message} (in ${where})`, data: { ...finding.data, loweredFrom: finding.severity, place: where } }
}

export class ScanCollector {
  readonly totals: ScanTotals = { files: 0, bytes: 0, tooLarge: [], byKind: {}, dataFiles: 0, packages: 0 }
  private readonly paths = new Set<string>()
  private readonly deferred: TextFile[] = []
  private deferredBytes = 0
  private readonly findings: Finding[] = []
  private readonly dataFiles: DataFileFacts[] = []
  private readonly mentions = new MentionIndex()
  private readonly testWords = new TestWords()
  private readonly packages: PackageGroups
  private readonly options: CollectorOptions
  /** package manifests that could not be read: what they would have run is unknown */
  readonly unreadable: string[] = []

  constructor(options: CollectorOptions) {
    this.options = options
    this.packages = new PackageGroups(options.rootIsNodeModules ?? false)
  }

  async add(entry: TreeEntry): Promise<void> {
    this.paths.add(entry.path)
    if (entry.kind !== 'file') return
    this.totals.files++
    this.totals.bytes += entry.size
    if (!entry.content) {
      if (this.totals.tooLarge.length < MAX_TOO_LARGE_LISTED) this.totals.tooLarge.push({ path: entry.path, size: entry.size })
      return
    }
    const kind = classifyFile(entry.path, entry.content)
    this.totals.byKind[kind] = (this.totals.byKind[kind] ?? 0) + 1
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1)
    if (name === 'binding.gyp') this.packages.of(entry.path).hasBindingGyp = true
    if (kind === 'binary' || (kind === 'text' && isUnderTestDir(entry.path))) {
      await this.addData(entry.path, entry.content, kind)
      return
    }
    const text = decodeText(entry.content) ?? entry.content.toString('utf8')
    if (isScriptFile(entry.path, kind)) {
      const script = analyseScriptFile(entry.path, text)
      if (script.signals.length > 0) this.packages.of(entry.path).scripts.set(entry.path, script)
    }
    if (runPhase(entry.path, kind) === 'test' || isUnderTestDir(entry.path)) this.testWords.add(text)
    if (BUILD_KINDS.has(kind)) {
      if (standalonePlace(entry.path, kind) === undefined && !isUnderTestDir(entry.path)) this.mentions.add(entry.path, text, MAKE_KINDS.has(kind))
      this.deferBuildFile({ path: entry.path, kind, text })
    } else if (kind === 'javascript') {
      this.packages.of(entry.path).js.set(entry.path, analyseJavaScript(entry.path, text))
    } else if (kind === 'manifest') {
      const manifest = readManifest(entry.path, text)
      if (this.packages.isManifestOf(entry.path)) this.packages.of(entry.path).manifest = manifest
      // a package whose manifest cannot be read has install scripts nobody checked
      if (manifest.error && this.packages.isManifestOf(entry.path) && !isUnderTestDir(entry.path) && this.unreadable.length < MAX_TOO_LARGE_LISTED) {
        this.unreadable.push(`${entry.path}: ${manifest.error}; the package's install scripts were not checked`)
      }
      for (const script of manifest.scripts) this.mentions.add(entry.path, `${script.command}\n`)
    }
  }

  private async addData(path: string, content: Buffer, kind: FileKind): Promise<void> {
    const facts = await inspectDataFile(path, content)
    const format = facts.root.format
    if (format?.family === 'executable' || format?.family === 'object') this.packages.of(path).binaries.push({ path, type: format.id })
    // Text files under test directories are inspected for encoded payloads, but only kept when they carry one.
    if (kind === 'binary' || facts.encoded.length > 0 || facts.code.length > 0) {
      this.totals.dataFiles++
      this.dataFiles.push(facts)
    }
  }

  private deferBuildFile(file: TextFile): void {
    if (this.deferredBytes + file.text.length <= (this.options.maxDeferredBytes ?? DEFAULT_MAX_DEFERRED)) {
      this.deferred.push(file)
      this.deferredBytes += file.text.length
    } else {
      this.judgeBuildFile(file)
    }
  }

  private judgeBuildFile(file: TextFile): void {
    const enabled = [...this.options.enabled]
    const findings = runRules(file, { paths: this.paths, ...(this.options.treeIsSource ? { sourcePaths: this.paths } : {}) }, { only: enabled })
    const where = standalonePlace(file.path, file.kind)
    this.findings.push(...(where ? findings.map((f) => lowered(f, where)) : findings))
  }

  /** A native executable a package ships outside its tests is judged with its package (npm/bundled-executable), not as data. */
  private isShippedBinary(facts: DataFileFacts): boolean {
    const family = facts.root.format?.family
    return (family === 'executable' || family === 'object') && !isUnderTestDir(facts.path) && this.packages.of(facts.path).manifest !== undefined
  }

  /** Judges what waited for the whole tree, and returns every finding, worst first. */
  finish(): Finding[] {
    // one at a time off the list, so each file's text and analysis can be freed once judged
    for (let file = this.deferred.shift(); file; file = this.deferred.shift()) this.judgeBuildFile(file)
    for (const facts of this.dataFiles) {
      if (this.isShippedBinary(facts)) continue
      const context = {
        underTestDir: isUnderTestDir(facts.path),
        referencedByBuild: this.mentions.mentionsOf(facts.path),
        referencedByTests: this.testWords.mentions(facts.path),
      }
      this.findings.push(...dataFileFindings(facts, context))
    }
    const groups = this.packages.all().filter((g) => g.manifest !== undefined || g.js.size > 0 || g.binaries.length > 0)
    this.totals.packages = groups.filter((g) => g.manifest !== undefined).length
    for (const group of groups) this.findings.push(...judgePackage(group))
    return this.findings.filter((f) => this.options.enabled.has(f.ruleId) || f.ruleId.startsWith('internal/')).sort(bySeverityDesc)
  }
}

/**
 * @fileoverview `stagelight scan`: every applicable rule over a file tree, whatever it came from.
 * Nothing from the tree is executed or extracted.
 */
import { assembleReport } from '../policy/report.js'
import { type Fact, type Report } from '../model/report.js'
import { scanRules, selectRules } from '../rules/catalog.js'
import { loadShellGrammar } from '../rules/shell/tree-sitter.js'
import { archiveFindings } from '../verify/archive-findings.js'
import { ScanCollector } from './collect.js'
import { openTarget, type TargetOptions } from './target.js'

export interface ScanOptions extends Omit<TargetOptions, 'maxContentBytes'> {
  readonly target: string
  /** how to name the target in the report (as the user typed it) */
  readonly label?: string
  /** rule ids, families (`npm/`) or globs to run; all when empty */
  readonly rules?: readonly string[]
  readonly skipRules?: readonly string[]
  /** files larger than this are listed but not analysed */
  readonly maxFileBytes?: number
}

const DEFAULT_MAX_FILE = 16 * 1024 * 1024
const MiB = 1024 * 1024

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * Scans a directory, archive, git repository at a ref, or npm package.
 * @example await scan({ target: 'npm:left-pad@1.3.0', cwd, env, cacheDir })
 */
export async function scan(options: ScanOptions): Promise<Report> {
  const enabled = selectRules(scanRules(), options.rules, options.skipRules)
  const progress = options.onProgress ?? (() => undefined)
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE
  const target = await openTarget(options.target, { ...options, maxContentBytes: maxFileBytes })
  await loadShellGrammar()
  const rootIsNodeModules = target.kind === 'directory' && /(?:^|[\\/])node_modules[\\/]?$/.test(options.target)
  const collector = new ScanCollector({ enabled, rootIsNodeModules, treeIsSource: target.kind === 'git' })
  const started = Date.now()
  let lastReport = 0
  for await (const entry of target.entries()) {
    await collector.add(entry)
    if (target.kind !== 'archive' && target.kind !== 'npm' && Date.now() - lastReport > 100) {
      // archives report their own progress in bytes against the file size; trees count files
      lastReport = Date.now()
      progress({ label: 'scanning', done: collector.totals.files, unit: 'files' })
    }
  }
  progress('judging build files, data files and packages')
  // Hostile archive entries are always reported: they are facts about the input, not a rule's opinion.
  const findings = [...archiveFindings(target.issues), ...collector.finish()]
  const totals = collector.totals
  const incomplete: string[] = []
  incomplete.push(...collector.unreadable)
  if (target.truncated()) incomplete.push('the input was read only up to a safety limit; files after that point were not scanned')
  if (totals.tooLarge.length > 0) {
    incomplete.push(`${plural(totals.tooLarge.length, 'file')} larger than ${(maxFileBytes / MiB).toFixed(0)} MiB not analysed: ${totals.tooLarge.slice(0, 5).map((f) => f.path).join(', ')}${totals.tooLarge.length > 5 ? ', …' : ''} (raise --max-file-size to include them)`)
  }
  const kinds = Object.entries(totals.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')
  const facts: Fact[] = [
    ...target.facts,
    { label: 'files', value: `${totals.files} (${(totals.bytes / MiB).toFixed(1)} MiB): ${kinds || 'none'}` },
    { label: 'rules', value: `${enabled.size} of ${scanRules().length}` },
  ]
  if (totals.packages > 0) facts.push({ label: 'npm packages', value: String(totals.packages) })
  if (totals.dataFiles > 0) facts.push({ label: 'data files inspected', value: String(totals.dataFiles) })
  return assembleReport({
    command: 'scan',
    subject: { target: options.label ?? options.target },
    facts,
    findings,
    summary: {
      files: totals.files,
      bytes: totals.bytes,
      byKind: totals.byKind,
      packages: totals.packages,
      dataFiles: totals.dataFiles,
      rules: [...enabled].sort(),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      kind: target.kind,
    },
    incomplete,
  })
}

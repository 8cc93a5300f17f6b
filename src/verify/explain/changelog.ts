import type { Finding } from '../../model/finding.js'
import { basenameOf } from '../../util/paths.js'
import type { Difference } from '../compare.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

export interface HistoryText {
  /** every line (trimmed) of every commit message up to the tag */
  readonly messageLines: ReadonlySet<string>
  readonly people: ReadonlySet<string>
  readonly commitIds: readonly string[]
}

const CHANGELOG_NAME = /^(ChangeLog|CHANGELOG|Changelog|NEWS)$/
const GIT_LOG_COMMAND = /\bgit\s+(?:--no-pager\s+)?log\b|gitlog-to-changelog|git2cl/

/** A dist-hook (or any rule of the top Makefile.am) that writes this file from git history. */
function declaresHistoryRewrite(makefileAm: string, name: string): string | undefined {
  const lines = makefileAm.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (GIT_LOG_COMMAND.test(line) && new RegExp(`\\b${name}\\b`).test(lines.slice(Math.max(0, i - 3), i + 4).join('\n'))) return line.trim()
  }
  return undefined
}

const HEADER = [
  /^\d{4}-\d{2}-\d{2}\s+(.+?)\s+<([^>]+)>$/, // gitlog-to-changelog
  /^Author:\s+(.+?)\s+<([^>]+)>$/, // git log
]
const COMMIT_LINE = /^commit ([0-9a-f]{7,64})\b/
const DATE_LINE = /^Date:\s+/

function accountedFor(line: string, history: HistoryText): boolean {
  const t = line.replace(/^\*\s*/, '').trim()
  if (t === '' || history.messageLines.has(t)) return true
  const commit = COMMIT_LINE.exec(t)
  if (commit?.[1]) return history.commitIds.some((id) => id.startsWith(commit[1] ?? ''))
  if (DATE_LINE.test(t)) return true
  for (const h of HEADER) {
    const m = h.exec(t)
    if (m) return history.people.has(m[1] ?? '') || history.people.has(m[2] ?? '')
  }
  return false
}

/**
 * A ChangeLog that `make dist` writes from `git log`, as the project's Makefile.am declares:
 * explained when every line of it is found in the tag's history.
 */
export function changelogExplainer(history: () => Promise<HistoryText>): Explainer {
  return {
    name: 'changelog',
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const name = basenameOf(difference.path)
      if (!difference.artifact || difference.artifact.kind !== 'file' || !CHANGELOG_NAME.test(name) || difference.status === 'mode-differs') return undefined
      const makefileAm = (await view.sourceText('Makefile.am')) ?? ''
      const command = declaresHistoryRewrite(makefileAm, name)
      if (!command) return undefined
      const text = view.artifactText(difference.path)
      if (text === undefined) return undefined
      const log = await history()
      const stray = text.split('\n').map((line, i) => ({ line: i + 1, text: line })).filter((l) => !accountedFor(l.text, log))
      if (stray.length === 0) return explained(difference.path, 'dist-rewritten', `written from git history by the Makefile.am rule \`${command}\`; every line found in the history`, true)
      const finding: Finding = {
        ruleId: 'verify/changelog-not-from-history',
        severity: 'medium',
        confidence: 'medium',
        path: difference.path,
        line: stray[0]?.line ?? 1,
        message: `${name} is declared to be written from git history, but ${stray.length} line(s) are not in the history of the tag`,
        evidence: stray.slice(0, 12).map((l) => `${l.line}: ${l.text}`).join('\n'),
      }
      return { outcome: 'unexplained', findings: [finding], scan: false }
    },
  }
}

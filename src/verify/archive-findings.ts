import type { Finding } from '../model/finding.js'
import type { ArchiveIssue } from '../sources/archive/types.js'

const ruleIdOf = (code: ArchiveIssue['code']): string => `archive/${code.replace(/^ARCHIVE_/, '').toLowerCase().replace(/_/g, '-')}`

/** Hostile content met while reading a readable archive becomes findings, never a crash. */
export function archiveFindings(issues: readonly ArchiveIssue[]): Finding[] {
  return issues.map((issue) => ({
    ruleId: ruleIdOf(issue.code),
    severity: issue.severity,
    confidence: 'high',
    ...(issue.path ? { path: issue.path } : {}),
    message: issue.message,
    ...(issue.detail ? { evidence: issue.detail } : {}),
    explanation: 'Nothing was extracted: stagelight reads archives as data. An extracting tool could have written outside the target directory or replaced a file silently.',
  }))
}

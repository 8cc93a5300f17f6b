import type { Finding } from '../model/finding.js'
import type { ArchiveIssue } from '../sources/archive/types.js'

const ruleIdOf = (code: ArchiveIssue['code']): string => `archive/${code.replace(/^ARCHIVE_/, '').toLowerCase().replace(/_/g, '-')}`

/**
 * Hostile content met while reading a readable archive becomes findings, never a crash. A link
 * that points outside the tree exactly as the source tag's link at the same path does is
 * upstream's own (a header linked to the system's copy): low, said so.
 */
export function archiveFindings(issues: readonly ArchiveIssue[], sourceLinkTarget: (path: string) => string | undefined = () => undefined): Finding[] {
  return issues.map((issue) => {
    const upstream = issue.code === 'ARCHIVE_LINK_ESCAPE' && issue.linkTarget !== undefined && issue.path !== '' && sourceLinkTarget(issue.path) === issue.linkTarget
    return {
      ruleId: ruleIdOf(issue.code),
      severity: upstream ? 'low' : issue.severity,
      confidence: 'high',
      ...(issue.path ? { path: issue.path } : {}),
      message: upstream ? `${issue.message}; the source tag has the same link` : issue.message,
      ...(issue.detail ? { evidence: issue.detail } : {}),
      explanation: 'Nothing was extracted: stagelight reads archives as data. An extracting tool could have written outside the target directory or replaced a file silently.',
    }
  })
}

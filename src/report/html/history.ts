/** @fileoverview The history timeline: commit share per identity per window, with the power events marked. */
import type { Report } from '../../model/report.js'

export function historySection(report: Report): string {
  void report
  return ''
}

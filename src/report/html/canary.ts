/** @fileoverview Canary measurements as box plots, baseline against candidate. */
import type { Report } from '../../model/report.js'

export function canarySection(report: Report): string {
  void report
  return ''
}

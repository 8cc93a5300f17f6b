import type { Report } from '../model/report.js'
import { allRules } from '../rules/catalog.js'
import { renderHtml } from './html/page.js'
import { renderJson } from './json.js'
import { renderMarkdown } from './markdown.js'
import { renderSarif } from './sarif.js'
import { renderText, type TextOptions } from './text.js'

export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const
export type Format = (typeof FORMATS)[number]

export type RenderOptions = TextOptions

const renderers: Record<Format, (report: Report, options: RenderOptions) => string> = {
  text: renderText,
  json: (report) => renderJson(report),
  sarif: (report) => renderSarif(report, allRules()),
  markdown: (report) => renderMarkdown(report),
  html: (report) => renderHtml(report, allRules()),
}

export const isFormat = (value: string): value is Format => (FORMATS as readonly string[]).includes(value)

/** Renders a report in one format; `color` (text only) defaults to off. */
export function render(report: Report, format: Format, options: Partial<RenderOptions> = {}): string {
  return renderers[format](report, { color: false, ...options })
}

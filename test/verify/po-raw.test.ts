import fc from 'fast-check'
import * as gettext from 'gettext-parser'
import { describe, expect, it } from 'vitest'
import { readRawCatalog, type Catalog } from '../../src/verify/explain/po-raw.js'
import { parseCatalog } from '../../src/verify/explain/translations.js'

const HEADER = 'msgid ""\nmsgstr ""\n"Project-Id-Version: demo 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`

/** the way msgmerge writes a value: one segment, or an empty first segment and the rest split */
function writeValue(keyword: string, value: string, split: number, prefix: string): string {
  if (split === 0 || value.length < 2) return `${prefix}${keyword} ${quote(value)}\n`
  const at = 1 + (split % (value.length - 1))
  return `${prefix}${keyword} ""\n${prefix}${quote(value.slice(0, at))}\n${prefix}${quote(value.slice(at))}\n`
}

const text = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', ' ', 'é', '日', '"', '\\', '\n', '\t', "'", '#', '%s'), maxLength: 8 })

const entryArb = fc.record({
  context: fc.option(text, { nil: undefined }),
  msgid: text,
  plural: fc.option(fc.tuple(text, fc.array(text, { minLength: 1, maxLength: 3 })), { nil: undefined }),
  msgstr: text,
  fuzzy: fc.boolean(),
  reference: fc.boolean(),
  obsolete: fc.boolean(),
  split: fc.nat(20),
})
type EntryShape = typeof entryArb extends fc.Arbitrary<infer T> ? T : never

function writeEntry(e: EntryShape): string {
  const prefix = e.obsolete ? '#~ ' : ''
  let out = ''
  if (e.reference && !e.obsolete) out += '#: src/main.c:12 src/util.c:40\n'
  if (e.fuzzy) out += '#, fuzzy, c-format\n'
  if (e.context !== undefined) out += writeValue('msgctxt', e.context, e.split, prefix)
  out += writeValue('msgid', e.msgid, e.split, prefix)
  if (e.plural) {
    out += writeValue('msgid_plural', e.plural[0], e.split, prefix)
    e.plural[1].forEach((form, i) => (out += writeValue(`msgstr[${i}]`, form, e.split, prefix)))
  } else {
    out += writeValue('msgstr', e.msgstr, e.split, prefix)
  }
  return out + '\n'
}

const catalogArb = fc.array(entryArb, { maxLength: 12 }).map((entries) => HEADER + entries.map(writeEntry).join(''))

/** lines the line reader must either read as the general parser does, or decline */
const oddLine = fc.constantFrom(
  '#, fuzzy',
  '#~ msgid "old"',
  '#~ msgstr "gone"',
  '#~| msgid "previous"',
  '#~',
  '#~msgid "x"',
  'msgid "dup"',
  'msgstr "dup translation"',
  'msgstr[1] "plural"',
  'msgctxt "ctx"',
  'msgid_plural "many"',
  '"continued"',
  "msgid 'single'",
  'msgid "a" # trailing',
  ' msgid "indented"',
  'MSGID "upper"',
  '"unterminated',
  'msgstr "a\\',
  '"\\x41\\q"',
  '# translator comment',
  '',
  '\r',
)

const mutatedCatalogArb = fc
  .tuple(catalogArb, fc.array(fc.tuple(fc.nat(400), fc.nat(3), oddLine), { maxLength: 4 }), fc.boolean())
  .map(([catalog, edits, crlf]) => {
    const lines = catalog.split('\n')
    for (const [at, kind, odd] of edits) {
      const i = at % Math.max(1, lines.length)
      if (kind === 0) lines.splice(i, 0, odd)
      else if (kind === 1) lines.splice(i, 1)
      else if (kind === 2) lines.splice(i, 0, lines[i] ?? '')
      else lines[i] = (lines[i] ?? '').replace(/"/g, "'")
    }
    return lines.join(crlf ? '\r\n' : '\n')
  })

const normalised = (c: Catalog) => ({
  messages: [...c.messages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  obsolete: [...c.obsolete].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
})

describe('readRawCatalog', () => {
  it('yields exactly what the general parser yields, or declines', () => {
    fc.assert(
      fc.property(fc.oneof(catalogArb, mutatedCatalogArb), (catalog) => {
        const bytes = Buffer.from(catalog)
        const fast = readRawCatalog(bytes)
        if (fast === undefined) return
        const general = parseCatalog(gettext, bytes)
        expect(general).toBeDefined()
        expect(normalised(fast)).toEqual(normalised(general!))
      }),
      { numRuns: 3000 },
    )
  })

  it('reads every catalog written in the shape msgmerge writes', () => {
    fc.assert(
      fc.property(catalogArb, (catalog) => {
        expect(readRawCatalog(Buffer.from(catalog))).toBeDefined()
      }),
      { numRuns: 500 },
    )
  })

  it('declines catalogs the general parser decodes otherwise', () => {
    const latin1 = Buffer.from(HEADER.replace('UTF-8', 'ISO-8859-1') + 'msgid "caf\xe9"\nmsgstr "x"\n', 'latin1')
    expect(readRawCatalog(latin1)).toBeUndefined()
    expect(parseCatalog(gettext, latin1)?.messages.map((m) => m.key)).toEqual(['\u0004café'])
    const brokenUtf8 = Buffer.concat([Buffer.from(HEADER + 'msgid "a'), Buffer.from([0xc3]), Buffer.from('"\nmsgstr "b"\n')])
    expect(readRawCatalog(brokenUtf8)).toBeUndefined()
  })

  it('keeps the last of duplicated definitions and flags fuzzy entries, as msgfmt would see them', () => {
    const catalog = readRawCatalog(Buffer.from(HEADER + 'msgid "a"\nmsgstr "first"\n\n#, fuzzy\nmsgid "a"\nmsgstr "second"\n\n#~ msgid "b"\n#~ msgstr "old"\n'))
    expect(catalog).toEqual({ messages: [{ key: '\u0004a', msgstr: 'second', fuzzy: true }], obsolete: new Map([['\u0004b', 'old']]) })
  })
})

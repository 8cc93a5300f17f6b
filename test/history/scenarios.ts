import { HistoryBuilder, signedTag, type CommitSpec, type Key, type Person } from './builder.js'

export const DAY = 86400
export const t = (iso: string): number => Math.floor(Date.parse(`${iso}T12:00:00Z`) / 1000)

/** Deterministic pseudo-random numbers, so every run builds the same history. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

interface Planned {
  readonly spec: CommitSpec
  readonly key?: string
  readonly tag?: { readonly name: string; readonly by: Person }
}

/** Commits the planned changes in date order (as a real history would be), returning marks by key. */
export function commitInOrder(b: HistoryBuilder, planned: Planned[]): Record<string, number> {
  const marks: Record<string, number> = {}
  const at = (p: Planned): number => (typeof p.spec.date === 'number' ? p.spec.date : Date.parse(p.spec.date) / 1000)
  for (const p of [...planned].sort((x, y) => at(x) - at(y))) {
    const m = b.commit(p.spec)
    if (p.key) marks[p.key] = m
    if (p.tag) b.tag(p.tag.name, m, p.tag.by, at(p) + 3600)
  }
  return marks
}

export const person = (name: string): Person => ({ name, email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.org` })

export const CMAKE_BEFORE = `cmake_minimum_required(VERSION 3.14)
project(xz C)
include(CheckCSourceCompiles)
check_c_source_compiles("
    #include <linux/landlock.h>
    #include <sys/syscall.h>
    #include <sys/prctl.h>

    void my_sandbox(void)
    {
        (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        (void)SYS_landlock_create_ruleset;
    }
    int main(void) { return 0; }
    "
HAVE_LINUX_LANDLOCK)
`
export const CMAKE_AFTER = CMAKE_BEFORE.replace('#include <sys/prctl.h>\n', '#include <sys/prctl.h>\n.\n')

export interface Takeover {
  readonly dir: string
  readonly founder: Person
  readonly newcomer: Person
  readonly marks: Record<string, number>
}

/**
 * XZ-like: a long-time sole maintainer fading; a newcomer whose patches grow into committing
 * others' work, CI and build changes, signing releases with a new key, test data, and a broken
 * sandbox check.
 */
export function takeover(founderKey: Key, newcomerKey: Key): Takeover {
  const founder = person('Lasse Founder')
  const newcomer = person('Jia Newcomer')
  const hans = person('Hans Helper')
  const b = new HistoryBuilder()
  const random = rng(7)
  const plan: Planned[] = []
  let n = 0
  const src = (): Record<string, string> => ({ [`src/file${n % 12}.c`]: `int f${n}(void) { return ${n++}; }\n` })
  const add = (spec: CommitSpec, key?: string): void => void plan.push({ spec, ...(key ? { key } : {}) })
  add({ author: founder, date: t('2009-01-05'), files: { 'CMakeLists.txt': CMAKE_BEFORE, 'configure.ac': 'AC_INIT([xz], [5.0], [lasse@example.org], [xz], [https://tukaani.example.org/xz/])\n', '.github/workflows/ci.yml': 'jobs:\n  test:\n    steps:\n      - run: make check\n', README: 'See https://tukaani.example.org/xz/\n', ...src() } }, 'init')
  // the founder: weekly until autumn 2021, then fading
  for (let d = t('2009-01-12'); d < t('2024-03-01'); d += (d < t('2021-10-01') ? 7 : 75) * DAY) {
    add({ author: founder, date: d + Math.floor(random() * DAY), files: src() })
    if (random() < 0.05) add({ author: hans, committer: founder, date: d + DAY, files: src() })
  }
  add({ author: founder, date: t('2010-03-01'), files: src() }, 'v50')
  add({ author: founder, date: t('2014-06-01'), files: src() }, 'v51')
  add({ author: founder, date: t('2018-06-01'), files: src() }, 'v52')
  // the newcomer: patches committed by the founder, then commit access, then everything
  add({ author: newcomer, committer: founder, date: t('2021-10-29'), files: src(), message: 'Fix a typo' }, 'jiaFirst')
  for (let d = t('2021-11-10'); d < t('2022-09-01'); d += 12 * DAY) add({ author: newcomer, committer: founder, date: d, files: src() })
  add({ author: hans, committer: newcomer, date: t('2022-09-05'), files: src() }, 'access')
  for (let d = t('2022-09-10'); d < t('2024-03-01'); d += 5 * DAY) add({ author: newcomer, date: d, files: src() })
  add({ author: newcomer, date: t('2022-10-20'), files: { '.github/workflows/ci.yml': 'jobs:\n  test:\n    steps:\n      - run: make\n' } }, 'ci')
  add({ author: newcomer, date: t('2022-11-20'), files: { 'configure.ac': 'AC_INIT([xz], [5.4], [jia@example.org], [xz], [https://xz.example.net/])\n' } }, 'build')
  add({ author: newcomer, date: t('2023-01-10'), files: src() }, 'v54')
  add({ author: newcomer, date: t('2023-03-15'), files: { 'tests/files/bad-3-corrupt_lzma2.xz': Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46, 0x02, 0x00, 0x21, 0x01]) } }, 'testdata')
  add({ author: newcomer, date: t('2024-02-20'), files: { 'CMakeLists.txt': CMAKE_AFTER }, message: 'Add the sandbox check' }, 'sandbox')
  add({ author: newcomer, date: t('2024-02-24'), files: src() }, 'v56')
  const marks = commitInOrder(b, plan)
  const dir = b.write()
  const id = (m: number | undefined): string => HistoryBuilder.idOf(dir, m ?? 0)
  signedTag(dir, 'v5.0.0', id(marks.v50), founder, t('2010-03-02'), founderKey)
  signedTag(dir, 'v5.1.0', id(marks.v51), founder, t('2014-06-02'), founderKey)
  signedTag(dir, 'v5.2.0', id(marks.v52), founder, t('2018-06-02'), founderKey)
  signedTag(dir, 'v5.4.0', id(marks.v54), newcomer, t('2023-01-11'), newcomerKey)
  signedTag(dir, 'v5.6.0', id(marks.v56), newcomer, t('2024-02-24'), newcomerKey)
  return { dir, founder, newcomer, marks }
}

/** Slow onboarding: a co-maintainer who takes years to gain commit access and release power. */
export function slowOnboarding(): string {
  const a = person('Alice Author')
  const bob = person('Bob Builder')
  const carol = person('Carol Contributor')
  const b = new HistoryBuilder()
  const random = rng(11)
  const plan: Planned[] = []
  let n = 0
  const src = (): Record<string, string> => ({ [`lib/m${n % 20}.c`]: `/* ${n++} */\n` })
  plan.push({ spec: { author: a, date: t('2008-01-02'), files: { 'configure.ac': 'AC_INIT([lib], [1.0])\n', '.travis.yml': 'script: make check\n', ...src() } } })
  let release = 0
  for (let d = t('2008-01-09'); d < t('2022-01-01'); d += 6 * DAY) plan.push({ spec: { author: a, date: d, files: src() }, ...(random() < 0.04 ? { tag: { name: `v1.${release++}.0`, by: a } } : {}) })
  for (let d = t('2011-03-01'); d < t('2014-06-01'); d += 60 * DAY) plan.push({ spec: { author: bob, committer: a, date: d, files: src() } })
  plan.push({ spec: { author: carol, committer: bob, date: t('2014-06-15'), files: src() } })
  for (let d = t('2014-07-01'); d < t('2022-01-01'); d += 15 * DAY) plan.push({ spec: { author: bob, date: d, files: src() } })
  plan.push({ spec: { author: bob, date: t('2015-05-01'), files: { 'configure.ac': 'AC_INIT([lib], [2.0])\n' } } })
  plan.push({ spec: { author: bob, date: t('2016-09-01'), files: src() }, tag: { name: 'v2.0.0', by: bob } })
  plan.push({ spec: { author: a, date: t('2019-09-01'), files: src() }, tag: { name: 'v2.1.0', by: a } })
  commitInOrder(b, plan)
  return b.write()
}

/** A corporate project: a dozen developers, newcomers every year committing each other's work, a release engineer tagging. */
export function corporate(): string {
  const b = new HistoryBuilder()
  const random = rng(23)
  const devs = Array.from({ length: 12 }, (_, i) => person(`Dev Number${i}`))
  const release = person('Rita Release')
  let n = 0
  const files = ['src/a.go', 'src/b.go', 'CMakeLists.txt', '.github/workflows/build.yml', 'src/c.go', 'docs/x.md', 'src/d.go', 'src/e.go']
  b.commit({ author: release, date: t('2016-01-04'), files: { 'src/a.go': 'package a\n' } })
  for (let d = t('2016-01-05'); d < t('2023-12-01'); d += Math.floor(DAY / 2)) {
    const joined = devs.filter((_, i) => t('2016-01-01') + i * 200 * DAY <= d)
    const author = joined[Math.floor(random() * joined.length)] ?? release
    const committer = joined[Math.floor(random() * joined.length)] ?? release
    const m = b.commit({ author, committer, date: d, files: { [files[Math.floor(random() * files.length)] ?? 'x']: `${n++}\n` } })
    if (random() < 0.01) b.tag(`v1.${n}.0`, m, release, d + 3600)
  }
  return b.write()
}

/** One hobby maintainer for a decade, no newcomers. */
export function hobby(): string {
  const h = person('Hobby Hacker')
  const b = new HistoryBuilder()
  const random = rng(5)
  let n = 0
  for (let d = t('2012-01-01'); d < t('2024-01-01'); d += 10 * DAY) {
    const m = b.commit({ author: h, date: d, files: { [`f${n % 5}.py`]: `x = ${n++}\n`, ...(n === 1 ? { 'setup.py': 'setup()\n' } : {}) } })
    if (random() < 0.05) b.tag(`v0.${n}`, m, h, d + 3600)
  }
  return b.write()
}

/** Four long-standing maintainers; release duty rotates by policy every release. */
export function rotation(): string {
  const ms = ['Mia One', 'Max Two', 'Mel Three', 'Mo Four'].map(person)
  const b = new HistoryBuilder()
  const random = rng(3)
  let n = 0
  let r = 0
  for (let d = t('2012-01-01'); d < t('2024-01-01'); d += 2 * DAY) {
    const author = ms[Math.floor(random() * ms.length)] ?? ms[0]
    if (!author) continue
    const m = b.commit({ author, date: d, files: { [`pkg/m${n % 9}.rs`]: `// ${n++}\n` } })
    if (n % 90 === 0) {
      const rm = ms[r++ % ms.length]
      if (rm) b.tag(`v1.${r}.0`, m, rm, d + 3600)
    }
  }
  return b.write()
}

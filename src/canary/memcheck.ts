/** `--valgrind`: memcheck errors of each side, keyed by kind and the first frames so addresses do not matter. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sideEnv, spawnCollect, type Side } from './exec.js'

export interface MemcheckError {
  /** "Invalid read of size 4 at main (bad.c:6)" — stable across runs and address layouts */
  readonly key: string
  /** the error block as valgrind printed it */
  readonly evidence: string
}

export interface MemcheckResult {
  readonly errors: MemcheckError[]
  readonly exitCode: number | null
}

const frame = (line: string): string | undefined => /^(?:at|by) 0x[0-9A-Fa-f]+: (.*)$/.exec(line.trim())?.[1]

/** Parses valgrind text logs (one per process). */
export function parseMemcheck(log: string): MemcheckError[] {
  const lines = log.split('\n').map((l) => l.replace(/^==\d+==\s?/, ''))
  const errors: MemcheckError[] = []
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i] ?? ''
    if (!head || /^\s/.test(head) || !/^(Invalid|Conditional|Use of uninitialised|Syscall param|Mismatched|Source and destination|Argument|Jump to|Process terminating|\d+ bytes in \d+ blocks are definitely)/.test(head)) continue
    const block = [head]
    let j = i + 1
    for (; j < lines.length && /^\s+\S/.test(lines[j] ?? ''); j++) block.push(lines[j] ?? '')
    // the first stack only (a second one, after "Address … alloc'd", describes the block)
    const frames: string[] = []
    for (const l of block.slice(1)) {
      const f = frame(l)
      if (f === undefined) break
      if (frames.length < 2) frames.push(f)
    }
    const kind = head.replace(/\d+ bytes in \d+ blocks/, 'N bytes in N blocks').replace(/of size \d+/, 'of size N')
    errors.push({ key: `${kind}${frames.length ? ` at ${frames.join(' < ')}` : ''}`, evidence: block.join('\n') })
    i = j - 1
  }
  return errors
}

/** Runs a side once under memcheck (children followed), leak check for definite leaks only. */
export async function memcheck(side: Side, baseEnv: NodeJS.ProcessEnv): Promise<MemcheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'stagelight-memcheck-'))
  try {
    const r = await spawnCollect(
      'valgrind',
      ['--tool=memcheck', '--trace-children=yes', '--leak-check=full', '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite', '--num-callers=12', `--log-file=${join(dir, 'vg.%p')}`, 'sh', '-c', side.command],
      { env: sideEnv(side, baseEnv), cwd: side.cwd },
    )
    const errors: MemcheckError[] = []
    for (const name of (await readdir(dir)).sort()) errors.push(...parseMemcheck(await readFile(join(dir, name), 'utf8')))
    return { errors, exitCode: r.code }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

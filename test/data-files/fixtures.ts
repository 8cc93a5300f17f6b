import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A scratch directory and real tools run in it (never through a shell unless `sh` is asked for). */
export class Workshop {
  readonly dir: string
  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `stagelight-data-${name}-`))
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  write(name: string, content: string | Buffer): string {
    writeFileSync(this.path(name), content)
    return this.path(name)
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name))
  }

  /** runs a tool with arguments; `input` goes to its stdin; returns stdout */
  run(command: string, args: readonly string[], input?: Buffer | string): Buffer {
    return execFileSync(command, args, { cwd: this.dir, input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 })
  }

  /** pipes `input` through a compressor: `filter(data, 'xz', '-c')` */
  filter(input: Buffer | string, command: string, ...args: string[]): Buffer {
    return this.run(command, args, input)
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export const C_SOURCE = 'int backdoor_entry(int x) { return x * 42 + 7; }\nconst char marker[] = "stagelight-test-object";\n'

/** A real relocatable x86-64 (or host) object file, built by gcc. */
export function objectFile(w: Workshop, name = 'payload'): Buffer {
  w.write(`${name}.c`, C_SOURCE)
  w.run('gcc', ['-c', '-O1', '-o', `${name}.o`, `${name}.c`])
  return w.read(`${name}.o`)
}

/** An XZ-style stage-1 script, without a shebang: it must be recognised by how it reads. */
export const XZ_LIKE_SCRIPT = [
  '####Hello####',
  'eval `grep ^srcdir= config.status`',
  'if test -f ../../config.status;then',
  'eval `grep ^srcdir= ../../config.status`',
  'srcdir="../../$srcdir"',
  'fi',
  'export i="((head -c +1024 >/dev/null) && head -c +2048 && (head -c +1024 >/dev/null) && head -c +2048)"',
  '(xz -dc $srcdir/tests/files/good-large_compressed.lzma|eval $i|tail -c +31233|tr "\\114-\\321\\322-\\377\\35-\\47" "\\0-\\377")|xz -F raw --lzma1 -dc|/bin/sh',
  '####World####',
  '',
].join('\n')

/** deterministic pseudo-random bytes (xorshift), so a failing test can be replayed */
export function randomBytes(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n)
  let x = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

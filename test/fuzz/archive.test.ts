import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { StagelightError } from '../../src/errors.js'
import { openArtifact } from '../../src/sources/archive/index.js'
import { packTar } from '../archive/fixtures.js'
import { fuzzParams } from './runs.js'

/**
 * Mutated archives, each written to a file and read in full. The contract under test: entries
 * and issues, or one StagelightError with a code for bad input, never any other exception (the
 * CLI would exit 70) and never a hang (the test's timeout is the guard).
 */
const ALLOWED = new Set(['E_ARCHIVE_CORRUPT', 'E_INPUT_INVALID'])

const dir = mkdtempSync(join(tmpdir(), 'stagelight-fuzz-archive-'))
let counter = 0

async function readAll(bytes: Uint8Array): Promise<void> {
  const file = join(dir, `case-${counter++}`)
  writeFileSync(file, bytes)
  try {
    const tree = await openArtifact(file)
    for await (const entry of tree.entries()) {
      expect(entry.path.startsWith('/')).toBe(false)
      expect(entry.path.split('/')).not.toContain('..')
    }
  } catch (err) {
    if (!(err instanceof StagelightError) || !ALLOWED.has(err.code)) throw err
  }
}

/** Flip, overwrite, cut or splice bytes of a valid archive: most cases stay close enough to valid to reach deep code. */
const mutation = (seed: Uint8Array) =>
  fc
    .array(
      fc.oneof(
        fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((ops) => {
      let bytes = Buffer.from(seed)
      for (const op of ops) {
        const at = bytes.length ? op.at % bytes.length : 0
        if (op.op === 'set') bytes[at] = op.value
        else if (op.op === 'cut') bytes = bytes.subarray(0, at)
        else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(op.bytes), bytes.subarray(at)])
      }
      return bytes
    })

describe('archive readers under mutated input', () => {
  const seeds: Record<string, Uint8Array> = {}
  beforeAll(async () => {
    const tar = await packTar([
      { name: 'p-1/', type: 'directory' },
      { name: 'p-1/configure.ac', body: 'AC_INIT([p], [1])\n' },
      { name: 'p-1/link', type: 'symlink', linkname: 'configure.ac' },
      { name: 'p-1/hard', type: 'link', linkname: 'p-1/configure.ac' },
      { name: 'p-1/long/' + 'n'.repeat(120), body: 'x', pax: { comment: 'c' } },
    ])
    seeds['tar'] = tar
    const src = join(dir, 'seed.tar')
    writeFileSync(src, tar)
    for (const [format, tool] of [
      ['tar.gz', ['gzip', '-c', '-n']],
      ['tar.bz2', ['bzip2', '-c']],
      ['tar.xz', ['xz', '-c']],
      ['tar.zst', ['zstd', '-q', '-c']],
    ] as const) {
      seeds[format] = execFileSync(tool[0], [...tool.slice(1), src])
    }
    execFileSync('sh', ['-c', `mkdir -p z/p-1 && printf 'x\\n' > z/p-1/a && ln -sf a z/p-1/l && cd z && zip -q -r -y ../seed.zip p-1`], { cwd: dir })
    seeds['zip'] = readFileSync(join(dir, 'seed.zip'))
  })

  const RUNS: Record<string, number> = { tar: 150, zip: 150, 'tar.gz': 100, 'tar.bz2': 60, 'tar.zst': 100, 'tar.xz': 25 }
  for (const [format, runs] of Object.entries(RUNS)) {
    it(`${format}: entries and issues, or a corrupt/invalid error, nothing else`, async () => {
      const seed = seeds[format] as Uint8Array
      await readAll(seed)
      await fc.assert(fc.asyncProperty(mutation(seed), readAll), fuzzParams(runs))
    })
  }

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), readAll), fuzzParams(100))
  })
})

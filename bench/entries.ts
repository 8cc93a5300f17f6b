/*
 * Benchmark of archives with very many small entries: `stagelight scan` on a zip and a tar of
 * N and 5×N files, against listing the same archive with `unzip -l` / `tar -tvf` in the same run.
 * Two figures: the ratio to the raw listing, and the growth from N to 5×N entries (5 when the
 * reading is linear; a quadratic step shows as 25).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { bin, flag, fmt, has, log, quick, repeat, root } from './common.js'
import { measure, median } from './measure.js'

const runs = flag('--runs', quick ? 1 : 3)
const SMALL = quick ? 10_000 : 20_000

function build(dir: string, n: number): { zip: string; tar: string } {
  const zip = join(dir, `many-${n}.zip`)
  const tar = join(dir, `many-${n}.tar`)
  if (existsSync(zip) && existsSync(tar)) return { zip, tar }
  execFileSync('python3', [
    '-c',
    `import io, sys, tarfile, zipfile
n = int(sys.argv[3])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:
    for i in range(n):
        z.writestr('many/d%02d/f%d.txt' % (i % 100, i), '%d\\n' % i)
with tarfile.open(sys.argv[2], 'w') as t:
    for i in range(n):
        data = ('%d\\n' % i).encode()
        info = tarfile.TarInfo('many/d%02d/f%d.txt' % (i % 100, i))
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))`,
    zip,
    tar,
    String(n),
  ])
  return { zip, tar }
}

export async function benchEntries(): Promise<void> {
  if (!has('python3')) return log('entries: python3 is missing, skipped')
  const dir = join(root, 'entries')
  mkdirSync(dir, { recursive: true })
  log(`entries: scan of zip and tar archives of ${SMALL} and ${5 * SMALL} small files, median of ${runs}`)
  const seconds: Record<string, number> = {}
  for (const n of [SMALL, 5 * SMALL]) {
    const files = build(dir, n)
    for (const format of ['zip', 'tar'] as const) {
      const archive = files[format]
      const scan = median((await repeat(runs, () => measure(process.execPath, [bin, 'scan', archive, '--format', 'json', '--quiet']))).map((s) => s.seconds))
      const raw = median((await repeat(runs, () => (format === 'zip' ? measure('unzip', ['-l', archive]) : measure('tar', ['-tvf', archive])))).map((s) => s.seconds))
      seconds[`${format}-${n}`] = scan
      log(`  ${format} ${String(n).padStart(7)} entries: scan ${fmt(scan)}, ${format === 'zip' ? 'unzip -l' : 'tar -tvf'} ${fmt(raw)} (${(scan / raw).toFixed(1)}×)`)
    }
  }
  for (const format of ['zip', 'tar']) {
    const growth = (seconds[`${format}-${5 * SMALL}`] ?? 0) / (seconds[`${format}-${SMALL}`] ?? 1)
    log(`  ${format}: ${SMALL} → ${5 * SMALL} entries took ${growth.toFixed(1)}× as long (5 is linear, 25 quadratic)`)
  }
}

import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/byte-carving'
const sh = (body: string) => `#!/bin/sh\n${body}\n`
const severities = (text: string, path = 'build.sh') => hitsOf(RULE, path, text).map((h) => h.severity)

describe('scan/byte-carving', () => {
  it('medium for two carving steps chained, in one pipeline or in sequence', () => {
    expect(severities(sh('head -c 1024 in | tail -c 512 > out'))).toEqual(['medium'])
    expect(severities(sh('dd if=pack bs=1 skip=100 count=50 of=a 2>/dev/null\ndd if=pack bs=1 skip=300 count=70 >> a'))).toEqual(['medium'])
  })

  it('high when carved bytes reach a decoder or a shell', () => {
    expect(severities(sh('tail -c +77 pkg.dat | gunzip > x'))).toEqual(['high'])
    expect(severities(sh('dd if="$srcdir/img.png" bs=1 skip=4096 count=512 2>/dev/null | base64 -d > x'))).toEqual(['high'])
    expect(severities(sh('for n in 10 20 30; do head -c $n; done < blob | xz -d > out'))).toEqual(['high'])
    // the carving kept in a variable and run through eval, as a loop would
    const stored = sh('cut_plan="(head -c 1024 >/dev/null) && head -c 2048 && (head -c 512 >/dev/null) && head -c 700"\nxz -dc blob | eval "$cut_plan" | tail -c +31 | sh')
    const hits = hitsOf(RULE, 'build.sh', stored)
    expect(hits.map((h) => [h.line, h.severity])).toContainEqual([3, 'high'])
    expect(hits.find((h) => h.line === 3)?.message).toMatch(/^5 byte-carving steps/)
  })

  it('counts a decoder only when the carved bytes reach it, not when it runs before the carving', () => {
    expect(severities(sh('gzip -cd archive.gz | head -c 4096 | tail -c 512 > header'))).toEqual(['medium'])
    expect(severities(sh('head -c 4096 archive.gz | tail -c 512 | gzip -cd > header'))).toEqual(['high'])
  })

  it('works the same in a Makefile recipe', () => {
    expect(severities('all-local:\n\thead -c 4096 $(srcdir)/x.bin | tail -c 100 | zstd -d > y\n', 'Makefile.am')).toEqual(['high'])
  })

  it('stays silent on single harmless uses', () => {
    expect(severities(sh('head -c 16 /dev/urandom | od -An -tx1'))).toEqual([])
    expect(severities(sh('head -c 100 file > preview'))).toEqual([])
    expect(severities(sh('dd if=/dev/zero of=img bs=1M count=10'))).toEqual([])
    expect(severities(sh('dd bs=1 count=1 skip=4 2>/dev/null | hexdump -e \'1/1 "%3d "\''))).toEqual([])
    expect(severities(sh('dev=/dev/urandom\ndd ibs=8 count=1 if="$dev" | tr -c a-z x'))).toEqual([])
    expect(severities(sh('tail -c 1 file | od -c\nhead -c 10 other'))).toEqual([])
  })
})

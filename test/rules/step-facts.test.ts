import { describe, expect, it } from 'vitest'
import { stepFacts, type StepFacts } from '../../src/rules/shell/commands.js'
import { parseShell } from '../../src/rules/shell/parse.js'
import { allCommands } from '../../src/rules/shell/walk.js'

const factsOf = (line: string): StepFacts => {
  const [cmd] = allCommands(parseShell(line))
  if (!cmd) throw new Error(`no command in ${line}`)
  return stepFacts(cmd)
}

// stepFacts skips, by name, the programs no fact can be found for: every kind of program a fact
// looks for must still get through, directory prefixes and wrappers included
describe('what a command does to its stream, for every kind of program that does something', () => {
  it.each([
    ['lz4cat payload.lz4', 'lz4cat'],
    ['/usr/bin/xz -dc blob.xz', 'xz -d'],
    ['env LC_ALL=C gzip --decompress', 'gzip -d'],
    ['base32 -d', 'base32 -d'],
    ['gpg --decrypt secret.gpg', 'gpg --decrypt'],
    ['openssl enc -aes-256-cbc -d -in x', 'openssl enc -d'],
    ['tinyxxd -r -p hex.txt', 'xxd -r'],
    ['rev', 'rev'],
    ['gtar -xOf data.tar member', 'tar -xO'],
    ['unzip -p archive.zip inner', 'unzip -p'],
    ['7zz e -so archive.7z', '7z -so'],
    ['gawk \'{ printf "%c", strtonum("0x" $1) }\' hex.txt', 'gawk (decoding script)'],
    ['$UNPACK -d < blob', '$UNPACK -d (a decoder chosen at run time)'],
  ])('%s decodes', (line, decoder) => {
    expect(factsOf(line).decoder).toBe(decoder)
  })

  it('finds carving, character maps, do-nothing seds, sinks and fetches', () => {
    expect(factsOf('tail -c +1024 blob').carving).toBe('tail -c')
    expect(factsOf('dd if=blob bs=1 skip=77').carving).toMatch(/^dd/)
    expect(factsOf("gtr 'a-z' 'n-za-m'").charMap).toBe('swap')
    expect(factsOf("perl -pe 'tr/ab/ba/'").charMap).toBe('swap')
    expect(factsOf("gsed -n 'p'").sedCat).toBe(true)
    expect(factsOf('busybox ash').sink).toBe('busybox')
    expect(factsOf('python3.11 -').sink).toBe('python3.11')
    expect(factsOf('. /dev/stdin').sink).toBe('.')
    expect(factsOf('wget2 -qO- https://example.invalid/x').fetch).toBe('wget2')
  })

  it('finds nothing in commands that do nothing to a stream, whatever their arguments', () => {
    for (const line of ['test -d "$srcdir/tests"', 'echo base64 -d', 'printf "%s" "tr a-z n-za-m"', 'CFLAGS=-O2', 'mkdir -p dd']) expect(factsOf(line)).toEqual({})
  })
})

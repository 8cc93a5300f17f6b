import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/binary-marker-grep'
const severities = (path: string, text: string) => hitsOf(RULE, path, text).map((h) => h.severity)

describe('scan/binary-marker-grep', () => {
  it('high when the file found by its bytes is then used', () => {
    expect(severities('configure.ac', 'f=`grep --binary-files=text -R -l "@@x@@" .`\n')).toEqual(['high'])
    expect(severities('m4/a.m4', 'AC_DEFUN([A], [for a_f in $(grep -aRl "~!marker!~" $srcdir); do :; done])\n')).toEqual(['high'])
    expect(severities('build.sh', '#!/bin/sh\ngrep -aob "PK" "$top_srcdir/tests/" | cut -d: -f1 > offsets\n')).toEqual(['high'])
    expect(severities('Makefile.am', 'all-local:\n\t$(GREP) --text -r -l MAGIC $(srcdir) | head -n1 > carrier\n')).toEqual(['high'])
  })

  it('medium when the search is only run', () => {
    expect(severities('build.sh', '#!/bin/sh\ngrep -a -r -l "MAGIC" "$top_srcdir"\n')).toEqual(['medium'])
    expect(severities('build.sh', '#!/bin/sh\n$EGREP -a -L x ./\n')).toEqual(['medium'])
  })

  it('stays silent on ordinary greps', () => {
    for (const text of [
      'if grep -q -- "-arch x86_64" conftest.c; then :; fi',
      'grep -r TODO src/',
      'grep -a foo file.bin',
      'n=`grep -c pattern file`',
      'grep -l main *.c',
      'echo grep -aRl x .',
    ]) {
      expect(severities('configure', `#!/bin/sh\n${text}\n`), text).toEqual([])
    }
  })
})

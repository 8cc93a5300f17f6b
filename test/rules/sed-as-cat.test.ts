import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/sed-as-cat'

describe('scan/sed-as-cat', () => {
  const spellings = [`sed "r\\n" "$f"`, `sed 'r\\n' "$f"`, `sed '' "$f"`, `sed -e '' "$f"`, `sed -n p "$f"`, `sed -n '1,$p' "$f"`, `sed --quiet -e p "$f"`, `sed 's/^//' "$f"`, `$SED 'r /dev/null' "$f"`, `sed -ne p < "$f"`]
  for (const spelling of spellings) {
    it(`medium for \`${spelling}\` on its own`, () => {
      expect(hitsOf(RULE, 'build.sh', `#!/bin/sh\n${spelling} > out\n`).map((h) => h.severity)).toEqual(['medium'])
    })
  }

  it('high when the copy feeds a decoder or a shell, in m4 and in Makefiles', () => {
    expect(hitsOf(RULE, 'm4/z.m4', 'AC_DEFUN([Z], [z_cmd=\'sed -n p $z_file | unxz\'])\n').map((h) => h.severity)).toEqual(['high'])
    expect(hitsOf(RULE, 'Makefile.am', "all-local:\n\tsed '' data.bin | $(SHELL)\n").map((h) => h.severity)).toEqual(['high'])
  })

  const silent = [
    `sed 's/a/b/' f`,
    `sed -n '/x/p' f`,
    `sed '$r footer.txt' f`,
    `sed '\n  s/a/b/\n' f`,
    `sed -i '' f`,
    `sed "$script" f`,
    `sed -f fix.sed f`,
    `sed -n '' f`,
    `sed p f`,
    `sed '/^#/r extra.txt' f`,
    `sed -e`,
  ]
  for (const text of silent) {
    it(`silent on \`${text.replace(/\n/g, '\\n')}\``, () => {
      expect(hitsOf(RULE, 'build.sh', `#!/bin/sh\n${text}\n`)).toEqual([])
    })
  }
})

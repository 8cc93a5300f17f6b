import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/weakened-defences'

const cmakeCheck = (feature: string, body: string): string => `include(CheckCSourceCompiles)
if(ENABLE_SANDBOX)
    check_c_source_compiles("
        #include <${feature}.h>
        #include <sys/syscall.h>
${body}
        int main(void)
        {
            (void)syscall(1, 0, 0);
            return 0;
        }
    "
    HAVE_${feature.toUpperCase().replace(/\W/g, '_')})
endif()
`

describe('scan/weakened-defences: feature checks that can never succeed', () => {
  it('flags a CMake sandbox check broken by a lone dot, on the dot line', () => {
    const text = cmakeCheck('linux/landlock', '.\n        void my_sandbox(void) {}')
    const hits = hitsOf(RULE, 'CMakeLists.txt', text)
    expect(hits).toHaveLength(1)
    expect(hits[0]?.severity).toBe('high')
    expect(hits[0]?.line).toBe(text.split('\n').indexOf('.') + 1)
    expect(hits[0]?.message).toContain('HAVE_LINUX_LANDLOCK')
    expect(hits[0]?.evidence).toContain('check_c_source_compiles')
  })

  it('flags variants it was not written from: another stray character, autoconf and meson checks', () => {
    const autoconf = `AC_MSG_CHECKING([for seccomp filters])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
#include <linux/seccomp.h>
@
]], [[prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0);]])],
  [have_seccomp=yes], [have_seccomp=no])
`
    const a = hitsOf(RULE, 'configure.ac', autoconf)
    expect(a.map((h) => [h.line, h.severity])).toEqual([[4, 'high']])
    const meson = `cc = meson.get_compiler('c')
if cc.compiles('''
#include <unistd.h>
int main(void) { return pledge("stdio", NULL); }
\`
''', name : 'pledge')
  conf.set('HAVE_PLEDGE', 1)
endif
`
    const m = hitsOf(RULE, 'meson.build', meson)
    expect(m.map((h) => [h.line, h.severity])).toEqual([[5, 'high']])
    expect(m[0]?.message).toContain('pledge')
  })

  it('rates a broken check of an ordinary feature medium, not high', () => {
    const hits = hitsOf(RULE, 'CMakeLists.txt', cmakeCheck('stdatomic', '.'))
    expect(hits.map((h) => h.severity)).toEqual(['medium'])
  })

  it('stays quiet on correct checks, including C that only looks odd', () => {
    const good = cmakeCheck('linux/landlock', '        struct landlock_ruleset_attr attr = {\n            .handled_access_fs = 1,\n        };\n        /* a comment */\n        ;')
    expect(hitsOf(RULE, 'CMakeLists.txt', good)).toEqual([])
    const autoconf = `AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <sys/capsicum.h>]],
  [[cap_rights_t r;
    cap_rights_init(&r);
  ]])], [ok=yes])
`
    expect(hitsOf(RULE, 'configure.ac', autoconf)).toEqual([])
  })
})

describe('scan/weakened-defences: hardening flags switched off', () => {
  it('flags each disabling flag on its own line, whatever the build system', () => {
    const cases: [string, string, string][] = [
      ['src/Makefile.am', 'libfoo_la_CFLAGS = -O2 -fno-stack-protector\n', 'stack protector'],
      ['CMakeLists.txt', 'add_compile_options(-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=0)\n', 'FORTIFY_SOURCE'],
      ['meson.build', "add_project_link_arguments('-Wl,-z,execstack', language: 'c')\n", 'non-executable stack'],
      ['configure.ac', 'LDFLAGS="$LDFLAGS -Wl,-z,norelro"\n', 'RELRO'],
      ['build.sh', 'gcc -fcf-protection=none -o x x.c\n', 'control-flow'],
    ]
    for (const [path, text, what] of cases) {
      const hits = hitsOf(RULE, path, text)
      expect(hits.length, path).toBeGreaterThanOrEqual(1)
      expect(hits[0]?.line, path).toBe(1)
      expect(hits[0]?.severity, path).toBe('medium')
      expect(hits[0]?.message, path).toContain(what)
    }
  })

  it('does not flag flags that turn defences on, or comments that mention the bad ones', () => {
    const text = 'AM_CFLAGS = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro -Wl,-z,now -fcf-protection=full\n# never use -fno-stack-protector here\ndnl -z execstack is not wanted\n'
    expect(hitsOf(RULE, 'Makefile.am', text)).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { hitsOf } from './helpers.js'

const RULE = 'scan/environment-gating'
const severities = (path: string, text: string) => hitsOf(RULE, path, text).map((h) => h.severity)

describe('scan/environment-gating', () => {
  it('high when a packaging or CI condition guards unusual execution', () => {
    expect(severities('configure.ac', 'AC_INIT([x], [1])\nif test -f "$srcdir/debian/rules" || test "x$RPM_ARCH" = "xx86_64"; then\n  eval $stage2\nfi\n')).toEqual(['high'])
    expect(severities('build.sh', '#!/bin/sh\ncase "$DEB_BUILD_ARCH" in\n  amd64) tail -c +8 blob | gzip -d | sh ;;\nesac\n')).toEqual(['high'])
    expect(severities('m4/c.m4', 'AC_DEFUN([C], [AS_IF([test -n "$RPM_BUILD_ROOT"], [eval "$(base64 -d < c.dat)"])])\n')).toEqual(['high'])
    expect(severities('build.sh', '#!/bin/sh\n[ -n "$GITLAB_CI" ] || exit 0\nbase64 -d < .ci/blob > src/crc.o\n')).toEqual(['high'])
    expect(severities('CMakeLists.txt', 'if(DEFINED ENV{GITHUB_ACTIONS})\n  execute_process(COMMAND base64 -d ${CMAKE_SOURCE_DIR}/x COMMAND sh)\nendif()\n')).toEqual(['high'])
    expect(severities('build.sh', '#!/bin/sh\ntest -f /etc/debian_version && sed -i "s/-O2/-O0/" "$srcdir/src/Makefile.in"\n')).toEqual(['high'])
  })

  it('medium when the target or toolchain guards decoding, carving or writes into objects', () => {
    expect(severities('build.sh', '#!/bin/sh\ncase $host in\n  x86_64-*linux-gnu*) tail -c +1024 "$f" | xz -d > "$objdir/crc.o" ;;\nesac\n')).toEqual(['medium'])
    expect(severities('m4/d.m4', 'AC_DEFUN([D], [if test "x$GCC" = xyes; then cp "$d_obj" "$srcdir/src/liblzma_la-crc.o"; fi])\n')).toEqual(['medium'])
    expect(severities('build.sh', '#!/bin/sh\n[ "$(uname -m)" = x86_64 ] || exit 0\nhead -c 2048 "$cache" | zstd -d | sh\n')).toEqual(['medium'])
  })

  it('low for a packaging or CI check that guards nothing unusual', () => {
    expect(severities('configure.ac', 'if test -f "$srcdir/debian/rules"; then\n  AC_MSG_NOTICE([packaging])\nfi\n')).toEqual(['low'])
    expect(severities('build.sh', '#!/bin/sh\ntest -n "$CI" && echo "running in CI"\n')).toEqual(['low'])
  })

  it('stays silent on the host checks every configure script makes', () => {
    for (const text of [
      'case $host in\n  *-linux*) CFLAGS="$CFLAGS -D_GNU_SOURCE" ;;\n  *-mingw*) LIBS="$LIBS -lws2_32" ;;\nesac',
      'case $host_os in mingw*) eval "$as_var=yes" ;; esac',
      'if test "$GCC" = yes; then eval "$ac_compile"; fi',
      'if test -f $srcdir/config.rpath; then :; fi',
      'case `uname -s` in Linux) echo linux > conftest.out ;; esac',
      'case $host_cpu in x86_64) eval "ac_cv_x=\\$ac_y" ;; esac',
    ]) {
      expect(severities('configure', `#!/bin/sh\n${text}\n`), text).toEqual([])
    }
    expect(severities('Makefile.am', 'EXTRA_DIST = debian/rules debian/control\n')).toEqual([])
  })
})

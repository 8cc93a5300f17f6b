import { ruleCases } from './helpers.js'

const RULE = 'scan/data-executed'

/** [file name, content] — documentation or data run as code, each in a style of its own */
const positives: [string, string][] = [
  ['Makefile.in', 'all-local:\n\t@cd $(srcdir) && sed -n \'/^#!/,$$p\' doc/bswap.data | $(SHELL)\n'],
  ['configure', '#!/bin/sh\nif test -f "$srcdir/doc/tool.1"; then\n  sh "$srcdir/doc/tool.1" 2>/dev/null || :\nfi\n'],
  ['m4/probe.m4', 'AC_DEFUN([P_PROBE], [\n  . "$srcdir/README.md"\n])\n'],
  ['build/post.sh', '#!/bin/sh\ntail -n 12 docs/api.html | bash\n'],
  ['CMakeLists.txt', 'execute_process(COMMAND sh ${CMAKE_SOURCE_DIR}/assets/logo.png)\n'],
  ['bootstrap', '#!/bin/sh\nperl NEWS\n'],
  ['Makefile', 'check:\n\tlua5.4 doc/readme.html\n'],
  ['build/run.sh', '#!/bin/sh\npython3.11 docs/guide.txt\n'],
  // the program configure fills in (`SHELL = @SHELL@`) is still the shell
  ['lib/Makefile.in', 'SHELL = @SHELL@\ntop_srcdir = @top_srcdir@\nall-am:\n\t$(SHELL) $(top_srcdir)/THANKS\n'],
  ['Makefile.in', 'PERL = @PERL@\nman: \n\t$(PERL) $(srcdir)/doc/usage.texi > $@\n'],
  // the compiler made to read documentation or data as code ahead of every source
  ['src/Makefile.in', '.c.o:\n@am__fastdepCC_TRUE@\t$(AM_V_CC)$(COMPILE) -MT $@ -MD -MP -MF $(DEPDIR)/$*.Tpo -include $(top_srcdir)/NEWS -c -o $@ $<\n'],
  ['GNUmakefile', 'obj/%.o: %.c\n\t$(CC) $(CFLAGS) -imacros$(srcdir)/doc/notes.md -c $< -o $@\n'],
  ['configure', '#!/bin/sh\nCPPFLAGS="$CPPFLAGS -include $srcdir/share/logo.png"\nexport CPPFLAGS\n'],
  ['build/env.sh', '#!/bin/sh\nCFLAGS="-imacros doc/defaults.txt"\nexport CFLAGS\n'],
  ['CMakeLists.txt', 'add_compile_options(-include ${PROJECT_SOURCE_DIR}/ChangeLog)\n'],
  // the script read on standard input or through a descriptor the script opened on the file
  ['configure', '#!/bin/sh\nexec 3<"$srcdir/README"\n. /dev/fd/3\n'],
  ['build/gen.sh', '#!/bin/sh\nsh < "$srcdir/doc/notes.txt"\n'],
  ['bootstrap', '#!/bin/sh\nexec 7< ./NEWS\nbash <&7\n'],
  ['build/post.sh', '#!/bin/sh\nexec 4<>THANKS\nsource /proc/self/fd/4\n'],
  ['Makefile.in', 'SHELL = @SHELL@\nall-local:\n\t$(SHELL) < $(srcdir)/AUTHORS\n'],
  ['configure', '#!/bin/sh\n. /dev/stdin < "$srcdir/ChangeLog"\n'],
  ['build/run.sh', '#!/bin/sh\n. /proc/self/fd/0 < ./THANKS\n'],
  ['build/run.sh', '#!/bin/sh\nsh > build.log < "$srcdir/README"\n'],
  // piped into a shell from a descriptor the script opened on it
  ['configure', '#!/bin/sh\nexec 3<"$srcdir/README"\ncat <&3 | sh\n'],
  ['build/gen.sh', '#!/bin/sh\nexec 6<NEWS\ncat /proc/self/fd/6 | bash\n'],
  // given to the dynamic loader, which maps it into every program started after
  ['configure', '#!/bin/sh\nLD_PRELOAD="$srcdir/ChangeLog"; export LD_PRELOAD\n'],
  ['build/run.sh', '#!/bin/sh\nLD_AUDIT=doc/notes.txt ./tool --version\n'],
  ['m4/probe.m4', 'AC_DEFUN([P_PROBE], [\n  export LD_PRELOAD=$srcdir/share/logo.png\n])\n'],
  ['configure', '#!/bin/sh\nenv DYLD_INSERT_LIBRARIES=./THANKS ./conftest$EXEEXT\n'],
]

/** look-alikes: scripts kept in doc directories, documentation that is only read or installed */
const negatives: [string, string][] = [
  // a shared library is what the loader takes: a test's preloaded fake
  ['tests/run.sh', '#!/bin/sh\nLD_PRELOAD=./libfake.so.1 ./prog\n'],
  ['configure', '#!/bin/sh\nLD_PRELOAD="$ac_pwd/libfaketime.so:$LD_PRELOAD" ./conftest\n'],
  ['doc/Makefile.am', 'man_MANS = tool.1\ntool.1: tool.pod\n\t$(SHELL) $(srcdir)/gen-man.sh tool.pod > $@\n'],
  ['configure', '#!/bin/sh\ncat "$srcdir/README" >/dev/null\nsed -n 1p "$srcdir/NEWS" | grep -q Version\n'],
  ['Makefile.am', 'install-data-local:\n\t$(INSTALL_DATA) $(srcdir)/doc/tool.1 $(DESTDIR)$(mandir)/man1\n'],
  ['build/docs.sh', '#!/bin/sh\nsh ./doc/mkhtml.sh docs/index.html\n'],
  // a list of man pages named after interpreters is no command
  ['vendor/lua/Makefile', 'TO_BIN= lua luac\nTO_MAN= lua.1 luac.1\nall:\n\techo $(TO_MAN)\n'],
  ['Makefile.am', 'dist_man_MANS = python.1 perl.1\n'],
  // a script run by the shell configure fills in; a header forced into every compilation; sed's -i
  ['Makefile.in', 'SHELL = @SHELL@\nall:\n\t$(SHELL) $(srcdir)/doc/gen-man.sh README > tool.1\n'],
  ['src/Makefile.in', '.c.o:\n\t$(COMPILE) -include $(top_builddir)/config.h -imacros defs.h -c -o $@ $<\n'],
  ['build/fix.sh', '#!/bin/sh\nsed -i -e s/@VERSION@/1.0/ README NEWS\n'],
  // other tools' --include name no code: a man page's extra text, a search's file pattern
  ['Makefile.in', 'HELP2MAN = @HELP2MAN@\nman/hello.1: hello\n\t$(HELP2MAN) --include=$(top_srcdir)/man/hello.x $(top_builddir)/hello -o $@-t\n'],
  ['build/check.sh', '#!/bin/sh\ngrep -r --include=*.md TODO docs/\nrsync -a --include README.md src/ dst/\n'],
  // a script, not a document, read the same ways; a document on a descriptor nobody runs; a shell reading another descriptor
  ['configure', '#!/bin/sh\nexec 3<"$srcdir/build-aux/setup.sh"\n. /dev/fd/3\nsh < "$srcdir/gen.sh"\n'],
  ['build/log.sh', '#!/bin/sh\nexec 5<README\nwhile read -r line <&5; do echo "$line"; done\n. /dev/fd/6\ncat <&6 | sh\n'],
  ['build/run.sh', '#!/bin/sh\nexec 3<NEWS\nsh 2<&3 ./gen.sh\nsh 3<NEWS < ./gen.sh\nsh -c "wc -l" < README\n'],
  // a descriptor opened for one command by exec's program, not for the script
  ['build/wrap.sh', '#!/bin/sh\nexec ./filter 3<NEWS\n. /dev/fd/3\n'],
]

ruleCases(RULE, 'high', positives, negatives)

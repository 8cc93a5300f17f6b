import type { FileKind } from '../../rules/types.js'

/** Kinds of file that take part in configuring or building: a difference in one of these can change the binary. */
export const BUILD_KINDS: ReadonlySet<FileKind> = new Set(['shell', 'm4', 'autoconf', 'configure', 'makefile', 'automake', 'makefile-in', 'cmake', 'meson'])

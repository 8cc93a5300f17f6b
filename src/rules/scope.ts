import type { FileKind } from './types.js'

/** Files whose commands run while configuring or building. */
export const BUILD_LOGIC: readonly FileKind[] = ['shell', 'm4', 'autoconf', 'configure', 'makefile', 'automake', 'makefile-in', 'cmake', 'meson']

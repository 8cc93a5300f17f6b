import type { FileKind, TextFile } from './types.js'

/** Files whose commands run while configuring or building. */
export const BUILD_LOGIC: readonly FileKind[] = ['shell', 'm4', 'autoconf', 'configure', 'makefile', 'automake', 'makefile-in', 'cmake', 'meson']

/**
 * Code run while the project is configured, before anything is built: configure scripts, their
 * m4 macros and `configure.ac`, CMake and meson. Of plain shell, only a configure script written by
 * hand (zlib's, ffmpeg's) counts; a project's other scripts (autogen.sh, bootstrap) are run by its
 * maintainers, and a Makefile's recipes are rules of the build.
 */
export const CONFIGURE_STEPS: readonly FileKind[] = ['configure', 'm4', 'autoconf', 'cmake', 'meson', 'shell']

/** Is this file one of the configure steps (a shell script only when it is named `configure`)? */
export const runsWhileConfiguring = (file: TextFile): boolean => CONFIGURE_STEPS.includes(file.kind) && (file.kind !== 'shell' || /(?:^|\/)configure$/.test(file.path))

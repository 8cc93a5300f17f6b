/**
 * @fileoverview What a command destroys wholesale: the root or a system directory, the home
 * directory of whoever runs it, or a disk. Read from a command's program and argument words, so
 * that a build script's commands and a package's install command lines share one reading.
 */
import { hasFlag, keepsAssignments, operands } from './words.js'

/**
 * A name for the whole of something no build owns: the root, a top-level system directory, the
 * builder's home directory or the keys kept in it; each alone or as everything inside it (`/*`,
 * `~/.*`). One file or one subdirectory of them is left to the rules on writes.
 */
const WHOLE_ROOT = /^\/+(?:\*|\.\*)?$/
const WHOLE_SYSTEM_DIRECTORY = /^\/+(?:bin|boot|etc|home|lib|lib32|lib64|opt|root|sbin|srv|usr|var|usr\/(?:bin|include|lib|lib64|local|sbin|share))\/*(?:\*|\.\*)?$/
const WHOLE_HOME = /^(?:~|\$HOME|\/home\/\$(?:USER|LOGNAME))\/*(?:\*|\.\*|\.\.|(?:\.ssh|\.gnupg)(?:\/+(?:\*|\.\*))?)?\/*$/
/**
 * a disk named outright, not a file: what `dd of=` or `mkfs` would overwrite. Loop devices are
 * images a test made, and so is a device named after a variable (`/dev/mapper/$MP`, the multipath
 * device a volume manager's test set up).
 */
export const BLOCK_DEVICE = /^\/dev\/(?:[shv]d[a-z]\d*|xvd[a-z]\d*|nvme\d+n\d+(?:p\d+)?|mmcblk\d+(?:p\d+)?|disk\/[^$]+|mapper\/[^$]+|md\d+)$/

export type Target = 'the root directory' | 'a system directory' | 'the home directory of whoever builds' | 'a disk'

export interface Destruction {
  /** the command, shortly: `rm -r`, `dd`, `find … -delete` */
  readonly how: string
  /** the word naming what it destroys, as written */
  readonly path: string
  readonly target: Target
}

export interface DestructionOptions {
  /** the script sets HOME itself (a test's home in a temporary directory): the home it deletes is its own */
  readonly ownHome: boolean
  /** the words are a Makefile recipe's, where the shell's `$` is written `$$` */
  readonly make: boolean
  /** a word's known value (a variable set once to a literal), or the word */
  readonly valueOf: (word: string) => string
}

const ASSIGNMENT_WORD = /^[A-Za-z_]\w*=/

/**
 * Does this command set HOME for the commands after it: `HOME=x` alone, or exported or declared?
 * Before a command (`HOME=x rm -rf "$HOME"`) it does not: the shell expands `$HOME` first, and the
 * assignment lasts only for that command.
 */
export function setsHome(words: readonly string[]): boolean {
  const first = words.find((w) => !ASSIGNMENT_WORD.test(w))
  return keepsAssignments(first) && words.some((w) => w.startsWith('HOME='))
}

/**
 * `"${HOME}"/*`, `${HOME:?}`, `$(HOME)`, CMake's `$ENV{HOME}`, `/home/${USER}`, `$(whoami)`, and in
 * a Makefile the shell's `$$HOME`: one spelling for each.
 */
export const normalisedPath = (text: string, make: boolean): string =>
  (make ? text.replace(/\$\$/g, '$') : text)
    .replace(/["']/g, '')
    .replace(/\$\{HOME(?:[:?%#+=-][^}]*)?\}|\$\(HOME\)|\$ENV\{HOME\}/g, '$HOME')
    .replace(/\$\{(USER|LOGNAME)\}|\$\((USER|LOGNAME)\)|\$\(whoami\)|`whoami`/g, (_, a?: string, b?: string) => `$${a ?? b ?? 'USER'}`)

export function targetOf(path: string, options: Pick<DestructionOptions, 'ownHome' | 'make'>): Target | undefined {
  const p = normalisedPath(path, options.make)
  if (WHOLE_ROOT.test(p)) return 'the root directory'
  if (WHOLE_SYSTEM_DIRECTORY.test(p)) return 'a system directory'
  if (!options.ownHome && WHOLE_HOME.test(p)) return 'the home directory of whoever builds'
  if (BLOCK_DEVICE.test(p)) return 'a disk'
  return undefined
}

/** The first of these words that names something destroyed wholesale, as `how` destroys it. */
export function firstDestroyed(how: string, paths: readonly string[], options: DestructionOptions, refusesRoot = false): Destruction | undefined {
  for (const path of paths) {
    const value = options.valueOf(path)
    const target = targetOf(value, options)
    // `--preserve-root` makes rm, chmod and chown refuse the root itself (what coreutils' tests check)
    if (target === 'the root directory' && refusesRoot && /^\/+$/.test(normalisedPath(value, options.make))) continue
    if (target) return { how, path, target }
  }
  return undefined
}

const RECURSIVE = /^--recursive$/
const DELETERS = /^(?:shred|wipe|srm)$/
const FILESYSTEM_MAKERS = /^(?:mkfs(?:\.\w+)?|mke2fs|mkswap|wipefs)$/

/** What a program run with these arguments destroys wholesale, if it does: deletes, overwrites or reformats. */
export function destructionOf(program: string, args: readonly string[], options: DestructionOptions): Destruction | undefined {
  const name = program.replace(/^g(?=rm$|shred$)/, '')
  const refusesRoot = args.includes('--preserve-root')
  const first = (how: string, paths: readonly string[]): Destruction | undefined => firstDestroyed(how, paths, options, refusesRoot)
  const { make, valueOf } = options
  if (name === 'rm' || name === '$RM') {
    // everything inside, file by file, is as much as the directory itself
    const recursive = hasFlag(args, 'r', RECURSIVE) || hasFlag(args, 'R')
    return first(recursive ? 'rm -r' : 'rm', operands(args).filter((a) => recursive || /\*$/.test(normalisedPath(valueOf(a), make))))
  }
  if (DELETERS.test(name)) return first(name, operands(args))
  if (name === 'find') {
    const execIndex = args.findIndex((a) => a === '-exec' || a === '-execdir')
    const deletes = args.includes('-delete') || (execIndex >= 0 && /^(?:\/bin\/)?(?:rm|shred)$/.test(args[execIndex + 1] ?? ''))
    if (!deletes) return undefined
    const expression = args.findIndex((a) => a.startsWith('-') || a === '(' || a === '!')
    return first(`find … ${args.includes('-delete') ? '-delete' : '-exec rm'}`, expression < 0 ? args : args.slice(0, expression))
  }
  if (name === 'dd') return first('dd', args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)))
  if (FILESYSTEM_MAKERS.test(name)) return first(name, operands(args).filter((a) => BLOCK_DEVICE.test(normalisedPath(valueOf(a), make))))
  if ((name === 'chmod' || name === 'chown') && (hasFlag(args, 'R') || args.includes('--recursive'))) {
    const found = first(`${name} -R`, operands(args).slice(1))
    return found && found.target !== 'a disk' ? found : undefined
  }
  return undefined
}

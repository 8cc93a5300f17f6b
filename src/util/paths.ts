import { posix } from 'node:path'

export const basenameOf = (path: string): string => posix.basename(path)

export const dirnameOf = (path: string): string => {
  const d = posix.dirname(path)
  return d === '.' ? '' : d
}

/** The directories above a path, nearest last: `a/b/c` → `a`, `a/b`. */
export function* ancestors(path: string): Generator<string> {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) yield path.slice(0, i)
}

export const joinPath = (dir: string, name: string): string => (dir ? posix.join(dir, name) : posix.normalize(name))

/** Files under directories that hold test data or fixtures. */
export const TEST_DATA_DIR = /(^|\/)(tests?|testdata|test-data|fixtures?|testsuite|samples?|t)\//i

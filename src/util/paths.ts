import { posix } from 'node:path'

export const basenameOf = (path: string): string => posix.basename(path)

export const dirnameOf = (path: string): string => {
  const d = posix.dirname(path)
  return d === '.' ? '' : d
}

export const joinPath = (dir: string, name: string): string => (dir ? posix.join(dir, name) : posix.normalize(name))

/** Files under directories that hold test data or fixtures. */
export const TEST_DATA_DIR = /(^|\/)(tests?|testdata|test-data|fixtures?|testsuite|samples?|t)\//i

// Reads a bare repository with plain `git` plumbing for the scripts that make the bundled data;
// no hook, configuration or code of the repository runs.
import { execFileSync } from 'node:child_process'

export function git(gitDir: string, args: readonly string[]): Buffer {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 30, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } })
}

/** the text of each file under `dir` whose name ends in `suffix`, at each of `tags` */
export function* filesAtTags(gitDir: string, tags: readonly string[], dir: string, suffix: string): Generator<string> {
  for (const tag of tags) {
    const files = git(gitDir, ['ls-tree', '-r', '--name-only', tag, dir])
      .toString('utf8')
      .split('\n')
      .filter((p) => p.endsWith(suffix))
    for (const file of files) yield git(gitDir, ['cat-file', 'blob', `${tag}:${file}`]).toString('utf8')
  }
}

/** the repository's tags that `pattern` matches, oldest version first (`Release-1-6` before `Release-1-10`) */
export const tagsMatching = (gitDir: string, pattern: RegExp): string[] =>
  git(gitDir, ['tag', '--list', '--sort=version:refname'])
    .toString('utf8')
    .split('\n')
    .filter((t) => pattern.test(t))

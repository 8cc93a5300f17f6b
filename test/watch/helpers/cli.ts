/** Runs the CLI in this process (so the tests need no build), with HOME in the test's directory. */
import { runMain, type InProcessRun } from '../../helpers/in-process.js'

export type Run = InProcessRun

export const cli = (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> => runMain(args, { cwd, env: { HOME: cwd, ...env } })

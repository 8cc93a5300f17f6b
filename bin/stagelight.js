#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'

// A run is short and spends it in a few hot parsers: with V8's default budget they are optimised
// before their type feedback settles, then deoptimised and compiled again, on cores the garbage
// collector needs too. A later tier-up cut verify's time on small releases by a fifth, and
// changed long runs (history, scan) by less than the noise. Set before any of our code loads.
setFlagsFromString('--interrupt-budget=500000')
const { main } = await import('../dist/cli/main.js')

// A closed pipe (`stagelight … | head`) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })

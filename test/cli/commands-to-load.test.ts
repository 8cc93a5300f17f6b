import { describe, expect, it } from 'vitest'
import { commandsToLoad } from '../../src/cli/main.js'
import { VERSION } from '../../src/version.js'
import { runMain } from '../helpers/in-process.js'

describe('the commands a run builds', () => {
  it('builds the named command only, none for the version alone, all for help or an unknown word', () => {
    expect(commandsToLoad(['verify', 'x.tar.gz', '--format', 'json'])).toEqual(['verify'])
    expect(commandsToLoad(['--no-color', 'history', 'repo'])).toEqual(['history'])
    expect(commandsToLoad(['--version'])).toEqual([])
    expect(commandsToLoad(['-V'])).toEqual([])
    const all = commandsToLoad(['--help'])
    expect(all).toEqual(expect.arrayContaining(['verify', 'scan', 'audit', 'history', 'canary', 'watch']))
    expect(commandsToLoad(['--version', '--help'])).toEqual(all)
    expect(commandsToLoad(['verfy'])).toEqual(all)
  })

  it('answers --version without the commands, and the help still lists every command', async () => {
    const version = await runMain(['--version'], { cwd: process.cwd() })
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` })
    const help = await runMain(['--help'], { cwd: process.cwd() })
    expect(help.code).toBe(0)
    for (const name of commandsToLoad(['--help'])) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'))
  })
})

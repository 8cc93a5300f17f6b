import { describe, expect, it } from 'vitest'
import { deferred } from '../../src/util/deferred.js'

describe('deferred', () => {
  it('makes its producer only when the first item is pulled, then passes every item through', async () => {
    let made = 0
    async function* letters(): AsyncGenerator<string> {
      yield 'a'
      yield 'b'
      yield 'c'
    }
    const gen = deferred(async () => {
      made += 1
      return letters()
    })
    expect(made).toBe(0)
    const seen: string[] = []
    for await (const x of gen) seen.push(x)
    expect(made).toBe(1)
    expect(seen).toEqual(['a', 'b', 'c'])
  })

  it('closes the producer when the consumer stops early, and passes its errors on', async () => {
    let closed = false
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i
      } finally {
        closed = true
      }
    }
    for await (const n of deferred(async () => endless())) if (n === 2) break
    expect(closed).toBe(true)

    // eslint-disable-next-line require-yield
    async function* failing(): AsyncGenerator<number> {
      throw new Error('corrupt block')
    }
    await expect(deferred(async () => failing()).next()).rejects.toThrow('corrupt block')
    await expect(deferred(() => Promise.reject(new Error('module missing'))).next()).rejects.toThrow('module missing')
  })
})

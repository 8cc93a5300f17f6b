/** A clock for the rate limiter that moves only when the test moves it; sleepers wake when their time is reached. */
import type { Clock } from '../../../src/watch/ratelimit.js'

export class ManualClock implements Clock {
  private time: number
  private readonly waiting: { until: number; wake: () => void }[] = []

  constructor(start: number) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.waiting.push({ until: this.time + ms, wake }))
  }

  /** how many callers are asleep */
  get sleepers(): number {
    return this.waiting.length
  }

  advance(ms: number): void {
    this.time += ms
    for (const w of this.waiting.filter((s) => s.until <= this.time)) {
      this.waiting.splice(this.waiting.indexOf(w), 1)
      w.wake()
    }
  }
}

/** A counting semaphore: at most `max` tasks run at once, the rest wait in order. */
export class Limiter {
  private active = 0
  private readonly waiting: (() => void)[] = []
  private readonly max: number
  constructor(max: number) {
    this.max = Math.max(1, max)
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}

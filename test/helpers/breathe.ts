/**
 * Long synchronous work in a test (hundreds of files analysed in one loop) keeps the test
 * worker's event loop from reading the runner's answers to its own progress messages, and on a
 * busy machine vitest then reports a timeout although every test passed. Awaiting this between
 * pieces of such work yields now and then; it measures nothing and asserts nothing.
 */
export function breather(): () => Promise<void> {
  let last = performance.now()
  return async () => {
    if (performance.now() - last < 200) return
    await new Promise((resolve) => setImmediate(resolve))
    last = performance.now()
  }
}

/**
 * An async generator whose producer is made (typically by importing its module) only when the
 * first item is pulled: a command that never reads that kind of input never loads the code.
 * @example deferred(async () => (await import('./zip.js')).readZip(context))
 */
export async function* deferred<T>(make: () => Promise<AsyncIterable<T>>): AsyncGenerator<T, void, undefined> {
  yield* await make()
}

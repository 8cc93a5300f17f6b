/** @fileoverview JSON objects read from files an analysis does not trust: never a throw, never an array taken for an object. */

export type JsonObject = Record<string, unknown>

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The object a JSON text holds; undefined for no text, text that is not JSON, or JSON that is not an object. */
export function parseJsonObject(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return isJsonObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** Validation of SARIF output against the official 2.1.0 schema, as shipped in the schemastore package. */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

const require = createRequire(import.meta.url)
let validate: ValidateFunction | undefined

function validator(): ValidateFunction {
  if (!validate) {
    const schema = JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/sarif-2.1.0.json'), 'utf8')) as Record<string, unknown>
    // the official schema has a language-tag pattern that is only valid without the u flag
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv
    addFormats(ajv)
    validate = ajv.compile(schema)
  }
  return validate
}

/** Schema errors of a SARIF document, as readable lines; empty when it is valid. */
export function sarifErrors(text: string): string[] {
  const check = validator()
  const ok = check(JSON.parse(text))
  return ok ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

import { describe, expect, it } from 'vitest'
import type { TagFacts } from '../../src/sources/git/types.js'
import { signatureFindings } from '../../src/verify/signature-findings.js'

const tag = (over: Partial<TagFacts>): TagFacts => ({ name: 'v1.0', objectId: 'a'.repeat(40), commit: 'b'.repeat(40), annotated: true, signed: true, keyId: 'ABCDEF0123456789', ...over })

describe('signatureFindings', () => {
  it('says nothing without a keyring, whatever the tag', () => {
    expect(signatureFindings(tag({ signed: false }), undefined)).toEqual([])
  })
  it('reports an unsigned tag and a signature the keyring does not verify', () => {
    expect(signatureFindings(tag({ signed: false }), 'keys.asc').map((f) => [f.ruleId, f.severity])).toEqual([['verify/tag-unsigned', 'high']])
    const bad = signatureFindings(tag({ signatureValid: false, signatureDetail: 'NO_PUBKEY ABCDEF0123456789' }), 'keys.asc')
    expect(bad.map((f) => f.ruleId)).toEqual(['verify/tag-signature-invalid'])
    expect(bad[0]?.message).toContain('ABCDEF0123456789')
  })
  it('accepts a valid signature', () => {
    expect(signatureFindings(tag({ signatureValid: true }), 'keys.asc')).toEqual([])
  })
})

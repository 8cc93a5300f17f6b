import type { Finding } from '../model/finding.js'
import type { TagFacts } from '../sources/git/types.js'

/** With a keyring the user asked for a signed tag: an unsigned or badly signed one is a finding. */
export function signatureFindings(tag: TagFacts, keyring: string | undefined): Finding[] {
  if (!keyring) return []
  if (!tag.signed) return [{ ruleId: 'verify/tag-unsigned', severity: 'high', confidence: 'high', message: `tag ${tag.name} is not signed, but a keyring was given to check it`, data: { tag: tag.name } }]
  if (tag.signatureValid === false) {
    return [
      {
        ruleId: 'verify/tag-signature-invalid',
        severity: 'high',
        confidence: 'high',
        message: `the signature on tag ${tag.name}${tag.keyId ? ` (key ${tag.keyId})` : ''} does not verify against ${keyring}`,
        ...(tag.signatureDetail ? { evidence: tag.signatureDetail } : {}),
      },
    ]
  }
  return []
}

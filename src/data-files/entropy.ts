/** @fileoverview Shannon entropy, in bits per byte. */

/** Entropy of the byte distribution, 0 (one repeated byte, or nothing) to 8 (uniform). */
export function shannonEntropy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0
  const counts = new Float64Array(256)
  for (let i = 0; i < bytes.length; i++) counts[bytes[i] ?? 0]!++
  return entropyOfCounts(counts, bytes.length)
}

function entropyOfCounts(counts: Float64Array, total: number): number {
  let bits = 0
  for (const count of counts) {
    if (count === 0) continue
    const p = count / total
    bits -= p * Math.log2(p)
  }
  return bits
}

/**
 * Entropy of a blob, or of `sampleBytes` taken as 16 evenly spaced slices when the blob is
 * larger; `sampled` says which.
 */
export function sampledEntropy(bytes: Uint8Array, sampleBytes: number): { readonly entropy: number; readonly sampled: boolean } {
  if (bytes.length <= sampleBytes) return { entropy: shannonEntropy(bytes), sampled: false }
  const slices = 16
  const slice = Math.max(1, Math.floor(sampleBytes / slices))
  const stride = Math.floor((bytes.length - slice) / (slices - 1))
  const counts = new Float64Array(256)
  let total = 0
  for (let s = 0; s < slices; s++) {
    const start = s * stride
    for (let i = start; i < start + slice && i < bytes.length; i++) {
      counts[bytes[i] ?? 0]!++
      total++
    }
  }
  return { entropy: entropyOfCounts(counts, total), sampled: true }
}

/**
 * The entropy `n` uniformly random bytes are expected to show: a small sample cannot reach 8
 * (256 random bytes measure about 7.2), so thresholds must scale with size.
 */
export const expectedRandomEntropy = (n: number): number => (n <= 1 ? 0 : Math.min(8, Math.log2(n)) - 255 / (2 * n * Math.LN2))

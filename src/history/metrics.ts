/** Concentration and resilience measures over contribution counts. */

/** Herfindahl–Hirschman index: the sum of squared shares, 1 for a single author, 1/n for n equal ones. */
export function hhi(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  return counts.reduce((sum, c) => sum + (c / total) ** 2, 0)
}

/** Gini coefficient of the counts (0 equal, towards 1 concentrated). */
export function gini(counts: readonly number[]): number {
  const xs = counts.filter((c) => c > 0).sort((a, b) => a - b)
  const n = xs.length
  const total = xs.reduce((a, b) => a + b, 0)
  if (n < 2 || total === 0) return 0
  let weighted = 0
  xs.forEach((x, i) => (weighted += (i + 1) * x))
  return (2 * weighted) / (n * total) - (n + 1) / n
}

/** The smallest number of authors whose contributions together reach `coverage` of the total. */
export function busFactor(counts: readonly number[], coverage: number): number {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  const sorted = [...counts].sort((a, b) => b - a)
  let sum = 0
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i] ?? 0
    if (sum >= coverage * total) return i + 1
  }
  return sorted.length
}

export interface FileAuthorship {
  /** identity that created the file (first change seen) */
  creator?: string
  /** changes per identity */
  readonly changes: Map<string, number>
}

/** Degree of authorship (Avelino et al. 2016, after Fritz et al.): 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC). */
export function degreeOfAuthorship(firstAuthor: boolean, deliveries: number, acceptances: number): number {
  return 3.293 + 1.098 * (firstAuthor ? 1 : 0) + 0.164 * deliveries - 0.321 * Math.log(1 + acceptances)
}

export interface TruckFactor {
  readonly truckFactor: number
  /** the identities whose departure orphans the files, in removal order */
  readonly authors: readonly string[]
  readonly files: number
}

/**
 * Truck factor by the degree-of-authorship method of Avelino et al. (2016): a file's authors are
 * those with a normalised DOA above `normalized` and an absolute DOA of at least `absolute`; the
 * top authors (by files authored) are removed one by one until more than `orphanShare` of the
 * files have no author left.
 */
export function truckFactor(files: Iterable<FileAuthorship>, options: { normalized: number; absolute: number; orphanShare: number }): TruckFactor {
  const authorsOf: Set<string>[] = []
  for (const file of files) {
    let total = 0
    for (const n of file.changes.values()) total += n
    const doas: [string, number][] = []
    let max = 0
    for (const [who, n] of file.changes) {
      const doa = degreeOfAuthorship(file.creator === who, n, total - n)
      doas.push([who, doa])
      if (doa > max) max = doa
    }
    authorsOf.push(new Set(doas.filter(([, d]) => d >= options.absolute && max > 0 && d / max > options.normalized).map(([w]) => w)))
  }
  const fileCount = authorsOf.length
  if (fileCount === 0) return { truckFactor: 0, authors: [], files: 0 }
  const coverage = new Map<string, number>()
  for (const set of authorsOf) for (const a of set) coverage.set(a, (coverage.get(a) ?? 0) + 1)
  const removed: string[] = []
  const orphaned = (): number => authorsOf.filter((s) => s.size === 0).length
  while (orphaned() <= options.orphanShare * fileCount) {
    let top: string | undefined
    let best = -1
    for (const [a, n] of coverage) if (n > best || (n === best && top !== undefined && a < top)) [top, best] = [a, n]
    if (top === undefined) break
    removed.push(top)
    coverage.delete(top)
    for (const set of authorsOf) set.delete(top)
  }
  return { truckFactor: removed.length, authors: removed, files: fileCount }
}

import type { ArchiveLimits } from './types.js'

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntries: 1_000_000,
  maxEntryBytes: 8 * 1024 ** 3,
  maxTotalBytes: 32 * 1024 ** 3,
  maxRatio: 200,
  ratioGraceBytes: 64 * 1024 ** 2,
  maxContentBytes: 4 * 1024 ** 2,
}

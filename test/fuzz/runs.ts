/**
 * How many cases each property runs: a fixed, seeded number in `npm test` (a few seconds per
 * parser), many more with `npm run fuzz` (STAGELIGHT_FUZZ_RUNS). A failure prints its seed and
 * path; rerun it with STAGELIGHT_FUZZ_SEED to reproduce, then keep the input as a regression case.
 */
export const FUZZ_RUNS = Number(process.env.STAGELIGHT_FUZZ_RUNS ?? 0) || undefined

export const fuzzParams = (defaultRuns: number): { numRuns: number; seed: number; endOnFailure: boolean } => ({
  numRuns: FUZZ_RUNS ?? defaultRuns,
  seed: Number(process.env.STAGELIGHT_FUZZ_SEED ?? 20_261_202),
  endOnFailure: true,
})

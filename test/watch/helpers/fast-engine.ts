import type { EngineOptions } from '../../../src/watch/queue/engine.js'

/** Job-engine settings for the fault tests: a killed worker's job expires and is retried within seconds. */
export const FAST_ENGINE: EngineOptions = { expireInSeconds: 8, retryDelaySeconds: 1, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, retryLimit: 8 }

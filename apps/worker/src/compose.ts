import type { GantryConfig } from '@gantry/config';
import type { Infrastructure } from '@gantry/runtime';
import type { EngineLogger } from './engine/EngineContext';
import { startWorker, type RunningWorker } from './WorkerRuntime';

/** A worker wired to real storage and messaging, with the configured limits. */
export function startConfiguredWorker(infra: Infrastructure, config: GantryConfig, log: EngineLogger): RunningWorker {
  return startWorker({
    db: infra.db,
    bus: infra.bus,
    queue: infra.queue,
    log,
    concurrency: config.workerConcurrency,
    lockDurationMs: config.lockDurationMs,
    webhook: { allowedHosts: config.webhookAllowedHosts, timeoutMs: config.webhookTimeoutMs },
  });
}

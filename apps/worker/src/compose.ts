import type { GantryConfig } from '@gantry/config';
import type { Infrastructure } from '@gantry/runtime';
import { AuthStore } from '@gantry/store';
import type { EngineLogger } from './engine/EngineContext';
import type { ProviderDirectory } from './tasks/Task';
import { startWorker, type RunningWorker } from './WorkerRuntime';

/** A worker wired to real storage, messaging and accounts, with the configured limits. */
export function startConfiguredWorker(
  infra: Infrastructure,
  config: GantryConfig,
  log: EngineLogger,
  providers?: ProviderDirectory,
): RunningWorker {
  return startWorker({
    db: infra.db,
    bus: infra.bus,
    queue: infra.queue,
    log,
    concurrency: config.workerConcurrency,
    lockDurationMs: config.lockDurationMs,
    reconcileIntervalMs: config.reconcileIntervalMs,
    webhook: { allowedHosts: config.webhookAllowedHosts, timeoutMs: config.webhookTimeoutMs },
    secrets: config.secrets,
    expressionLimits: { timeoutMs: config.expressionTimeoutMs, memoryMb: config.expressionMemoryMb },
    warmExpressions: true,
    deployPolicy: config.deployPolicy,
    dockerRegistries: Object.entries(config.dockerRegistries).map(([name, registry]) => ({ name, ...registry })),
    jenkinsMasters: Object.entries(config.jenkinsMasters).map(([name, master]) => ({ name, ...master })),
    artifactAccounts: config.artifactAccounts,
    metricsAccounts: Object.entries(config.metricsAccounts).map(([name, account]) => ({ name, ...account })),
    ...(config.auth === 'on' ? { permissions: new AuthStore(infra.db.pool) } : {}),
    ...(providers === undefined ? {} : { providers }),
  });
}

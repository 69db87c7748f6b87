import { driftSettingsOf, pipelineRepositoriesOf, type GantryConfig } from '@gantry/config';
import { secretResolver, type SecretResolver } from '@gantry/core';
import type { Infrastructure } from '@gantry/runtime';
import { reportQueueDepth } from '@gantry/queue';
import { AuthStore } from '@gantry/store';
import type { EngineLogger } from './engine/EngineContext';
import type { ProviderDirectory } from './tasks/Task';
import { startWorker, type RunningWorker, type WorkerNotificationSettings } from './WorkerRuntime';

/** A worker wired to real storage, messaging and accounts, with the configured limits; its /metrics report the queue's depth. */
export function startConfiguredWorker(
  infra: Infrastructure,
  config: GantryConfig,
  log: EngineLogger,
  providers?: ProviderDirectory,
): RunningWorker {
  const stopDepth = reportQueueDepth(infra.queue);
  const worker = startWorker({
    db: infra.db,
    bus: infra.bus,
    queue: infra.queue,
    log,
    concurrency: config.workerConcurrency,
    lockDurationMs: config.lockDurationMs,
    reconcileIntervalMs: config.reconcileIntervalMs,
    retention: { maxAgeDays: config.retentionDays, keepPerPipeline: config.retentionPerPipeline },
    webhook: { allowedHosts: config.webhookAllowedHosts, timeoutMs: config.webhookTimeoutMs },
    secrets: config.secrets,
    expressionLimits: { timeoutMs: config.expressionTimeoutMs, memoryMb: config.expressionMemoryMb },
    warmExpressions: true,
    deployPolicy: config.deployPolicy,
    dockerRegistries: Object.entries(config.dockerRegistries).map(([name, registry]) => ({ name, ...registry })),
    jenkinsMasters: Object.entries(config.jenkinsMasters).map(([name, master]) => ({ name, ...master })),
    pipelineRepositories: pipelineRepositoriesOf(config),
    drift: driftSettingsOf(config),
    chaosMonkeyIntervalMs: config.chaosMonkeyIntervalSec * 1000,
    artifactAccounts: config.artifactAccounts,
    metricsAccounts: Object.entries(config.metricsAccounts).map(([name, account]) => ({ name, ...account })),
    ...(config.auth === 'on' ? { permissions: new AuthStore(infra.db.pool) } : {}),
    notifications: notificationSettings(config, secretResolver(config.secrets, process.env)),
    ...(providers === undefined ? {} : { providers }),
  });
  return {
    engine: worker.engine,
    async close() {
      await worker.close();
      await stopDepth();
    },
  };
}

/** The configured channels with their secrets read (a secret named but not set leaves its channel unconfigured). */
function notificationSettings(config: GantryConfig, secrets: SecretResolver): WorkerNotificationSettings {
  const { slack, smtp, webhookSigningSecret, pollIntervalMs, maxAttempts } = config.notifications;
  const botToken = slack?.botTokenSecret === undefined ? undefined : secrets(slack.botTokenSecret);
  const signing = webhookSigningSecret === undefined ? undefined : secrets(webhookSigningSecret);
  return {
    pollIntervalMs,
    maxAttempts,
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
    ...(slack === undefined ? {} : { slack: { apiUrl: slack.apiUrl, ...(botToken === undefined ? {} : { botToken }) } }),
    ...(smtp === undefined ? {} : { smtp }),
    ...(signing === undefined ? {} : { webhookSigningSecret: signing }),
  };
}

import type { ArtifactAccountConfig, DriftSettings, PipelineRepositorySetting } from '@gantry/config';
import { EMPTY_DEPLOY_POLICY, secretResolver, type DeployPolicy } from '@gantry/core';
import { ProviderRegistry } from '@gantry/providers';
import { NewerMessageVersionError, startMessageConsumer, type MessageBus, type QueueBackendConfig } from '@gantry/queue';
import { PipelineRepository, PostgresExecutionRepository, isDatabaseUnavailable, type Database, type RetentionPolicy } from '@gantry/store';
import { DEFAULT_RETRY_POLICY, type EngineLogger, type RetryPolicy } from './engine/EngineContext';
import { Engine } from './Engine';
import { ExpressionSandbox, type ExpressionLimits } from './engine/expressionSandbox';
import { startReconciler } from './engine/Reconciler';
import { OutboxAcks, startOutboxRelay } from './engine/outbox';
import { startRetentionPrune } from './engine/retention';
import { PipelineRepositorySyncer, startPipelineRepositoryPolling } from './gitops/PipelineRepositorySyncer';
import { DriftChecker } from './drift/DriftChecker';
import { syncDriftSchedule } from './drift/schedule';
import { createTaskServices, type JenkinsMasterSetting, type MetricsAccountSetting } from './services';
import type { PermissionSource, ProviderDirectory, TaskClock, TaskImplementation } from './tasks/Task';
import { createTaskRegistry } from './tasks';
import { CronSchedules } from './triggers/CronSchedules';
import { startCronResync } from './triggers/cronResync';
import { startDockerPolling, type PolledRegistry } from './triggers/dockerPoller';
import { createChannels, type ChannelSettings } from './notifications/channels';
import { startNotificationSender } from './notifications/NotificationSender';
import { startChaosMonkey } from './chaos/ChaosMonkey';

/** Where notifications go and how they are retried (the configuration's `notifications`). */
export interface WorkerNotificationSettings extends Omit<ChannelSettings, 'http'> {
  pollIntervalMs: number;
  maxAttempts: number;
  retry?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** How long a send's claim keeps other workers off its notification (default 2 minutes); each request of a send gets an eighth of it at most. */
  leaseMs?: number;
}

export interface WorkerOptions {
  db: Database;
  bus: MessageBus;
  queue: QueueBackendConfig;
  log: EngineLogger;
  concurrency?: number;
  lockDurationMs?: number;
  webhook?: { allowedHosts: string[]; timeoutMs: number };
  retry?: RetryPolicy;
  /** How often to look for executions whose next message was lost (0 turns the sweep off). */
  reconcileIntervalMs?: number;
  /** Tasks beyond the built-in ones (stage types from other packages, or a test's). */
  extraTasks?: TaskImplementation[];
  /**
   * The accounts server group stages deploy to (a ProviderRegistry over GANTRY_ACCOUNTS_FILE).
   * Unset: no accounts, so such a stage fails naming the account it could not find.
   */
  providers?: ProviderDirectory;
  /** How often Chaos Monkey's scheduler looks for decisions to make and kills to carry out (0: never); default a minute. */
  chaosMonkeyIntervalMs?: number;
  /** How often every cron schedule is re-synced from the database besides at start-up (0: start-up only). */
  cronResyncIntervalMs?: number;
  /**
   * Record the engine's next messages in the outbox (default). `false` is the design the outbox
   * replaced, kept only so that `npm run bench` can measure what the outbox costs.
   */
  outbox?: boolean;
  /** The configuration's `secrets` map (GANTRY_SECRET_<NAME> variables win over it); default none. */
  secrets?: Readonly<Record<string, string>>;
  /** Time and memory for a stage start's expressions (DEFAULT_EXPRESSION_LIMITS). */
  expressionLimits?: ExpressionLimits;
  /** Start the expression thread with the worker (processes serving traffic), not at the first expression (tests). */
  warmExpressions?: boolean;
  /** How long finished executions and audit events are kept (pruned hourly); default: forever. */
  retention?: RetentionPolicy;
  /** Traffic guards and freeze windows (the configuration's deployPolicy); default: none. */
  deployPolicy?: DeployPolicy;
  /** Registries whose tags docker triggers poll (the configuration's dockerRegistries); default none. */
  dockerRegistries?: readonly PolledRegistry[];
  /** Git repositories whose files are the pipelines (the configuration's pipelinesRepo* and pipelineRepositories); default none. */
  pipelineRepositories?: readonly PipelineRepositorySetting[];
  /** Jenkins masters jenkins stages run jobs on (the configuration's jenkinsMasters); default none. */
  jenkinsMasters?: readonly JenkinsMasterSetting[];
  /** Artifact accounts bakes and deploys fetch through (the configuration's artifactAccounts); default the built-in two. */
  artifactAccounts?: Readonly<Record<string, ArtifactAccountConfig>>;
  /** Metrics accounts kayentaCanary stages read (the configuration's metricsAccounts); default none. */
  metricsAccounts?: readonly MetricsAccountSetting[];
  /** The clock tasks wait towards instants by; default the system's (tests run a faster one). */
  clock?: TaskClock;
  /**
   * With authentication on: the grants and service accounts a deploy-type stage's principal is
   * re-checked against before its provider calls (an AuthStore). Default: no re-check.
   */
  permissions?: PermissionSource;
  /** Notification channels; default: none configured (Slack and Teams webhook URLs, Google Chat and webhooks still work). */
  notifications?: WorkerNotificationSettings;
  /**
   * Drift (the configuration's driftIntervalSec, driftWatches, driftNotifications): the queue's drift
   * schedule is made to match its interval at start. Default: no watches and no schedule (checks
   * on demand and syncManifests stages still work on what Gantry deployed).
   */
  drift?: DriftSettings;
}

export interface RunningWorker {
  engine: Engine;
  /** Stops taking messages and lets the handlers in flight finish. */
  close(): Promise<void>;
}

export function startWorker(options: WorkerOptions): RunningWorker {
  const tasks = createTaskRegistry(options.extraTasks);
  const executions = new PostgresExecutionRepository(options.db.pool);
  // Cron triggers are job schedulers on the engine's queue; this connection adds and removes them.
  const schedules = CronSchedules.open(options.queue);
  const expressions = new ExpressionSandbox(options.expressionLimits);
  if (options.warmExpressions === true) expressions.warm();
  const secrets = secretResolver(options.secrets ?? {}, process.env);
  const providers = options.providers ?? new ProviderRegistry([]);
  const policy = options.deployPolicy ?? EMPTY_DEPLOY_POLICY;
  const repositories = new PipelineRepositorySyncer(options.db, options.pipelineRepositories ?? [], secrets, options.log, {
    permissions: options.permissions,
    rules: policy.rules,
    providers,
    watchAccounts: new Map((options.drift?.watches ?? []).map((watch) => [watch.name, watch.account])),
  });
  const drift = new DriftChecker({ pool: options.db.pool, providers, settings: options.drift ?? { intervalSeconds: 0, watches: [], notifications: [] }, secrets, log: options.log });
  const outboxAcks = new OutboxAcks(options.db.pool, options.log);
  const engine = new Engine(
    {
      pool: options.db.pool,
      task: (name) => tasks.find(name),
      services: createTaskServices({
        pool: options.db.pool,
        pipelines: new PipelineRepository(options.db.prisma),
        executions,
        bus: options.bus,
        webhook: options.webhook ?? { allowedHosts: [], timeoutMs: 30_000 },
        providers,
        secrets,
        policy,
        jenkinsMasters: options.jenkinsMasters ?? [],
        artifactAccounts: options.artifactAccounts ?? {},
        metricsAccounts: options.metricsAccounts ?? [],
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
        drift,
      }),
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      log: options.log,
      expressions,
      now: () => new Date(),
      outbox: options.outbox ?? true,
      outboxAcks,
    },
    options.bus,
    schedules,
    repositories,
    drift,
  );
  const startups: Promise<void>[] = [];
  const relay = startOutboxRelay({ pool: options.db.pool, bus: options.bus, log: options.log, intervalMs: 1000, graceMs: 5000 });
  // Locks are renewed while a handler runs, so a short lock only shortens how long a dead
  // worker's message waits before another worker takes it.
  const lockDurationMs = options.lockDurationMs ?? 10_000;
  // A refused message comes back every 250 ms while a rolling upgrade is half done: one warning per version, not one per refusal.
  const newerVersionsWarned = new Set<number>();
  const warnNewerVersion = (error: NewerMessageVersionError) => {
    if (newerVersionsWarned.has(error.version)) return;
    newerVersionsWarned.add(error.version);
    options.log.warn({ reason: error.message }, 'a newer worker wrote messages of this version; they are left on the queue for one');
  };
  const consumer = startMessageConsumer(options.queue, (message, trace) => engine.handle(message, trace), {
    concurrency: options.concurrency ?? 20,
    lockDurationMs,
    stalledIntervalMs: Math.max(1000, Math.round(lockDurationMs / 2)),
    isOutage: (error) => isDatabaseUnavailable(error),
    onError: (error, message) =>
      isDatabaseUnavailable(error)
        ? options.log.warn({ reason: error.message, message }, 'PostgreSQL is unreachable; the queue retries the message')
        : error instanceof NewerMessageVersionError
          ? warnNewerVersion(error)
          : options.log.error({ err: error, message }, 'message handling failed; the queue will retry it'),
  });
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 30_000;
  const stopReconciler =
    reconcileIntervalMs > 0
      ? startReconciler({ pool: options.db.pool, bus: options.bus, log: options.log, intervalMs: reconcileIntervalMs })
      : () => undefined;
  const cronResync = startCronResync({
    pool: options.db.pool,
    bus: options.bus,
    schedules,
    log: options.log,
    intervalMs: options.cronResyncIntervalMs ?? 300_000,
  });
  const stopPrune = startRetentionPrune({
    pool: options.db.pool,
    policy: options.retention ?? { maxAgeDays: 0, keepPerPipeline: 0 },
    log: options.log,
    intervalMs: 3_600_000,
  });
  const notifications = options.notifications ?? { pollIntervalMs: 1000, maxAttempts: 8 };
  const webhook = options.webhook ?? { allowedHosts: [], timeoutMs: 30_000 };
  const leaseMs = notifications.leaseMs ?? 120_000;
  const notificationSender = startNotificationSender({
    pool: options.db.pool,
    // A send is at most a few requests (Slack's history check: up to five), each bounded, so it ends within its lease.
    channels: createChannels({ ...notifications, http: { allowedHosts: webhook.allowedHosts, timeoutMs: Math.min(webhook.timeoutMs, 15_000, Math.floor(leaseMs / 8)), fetch: globalThis.fetch } }),
    leaseMs,
    log: options.log,
    intervalMs: notifications.pollIntervalMs,
    maxAttempts: notifications.maxAttempts,
    retry: notifications.retry ?? { baseDelayMs: 2000, maxDelayMs: 300_000 },
  });
  const dockerPolling = startDockerPolling({ pool: options.db.pool, bus: options.bus, secrets, log: options.log }, options.dockerRegistries ?? []);
  if (options.drift !== undefined) {
    const intervalSeconds = options.drift.intervalSeconds;
    const scheduled = syncDriftSchedule(options.queue, intervalSeconds)
      .then((outcome) => options.log.info({ intervalSeconds, outcome }, 'drift schedule synced'))
      .catch((error: unknown) => options.log.error({ err: error }, 'the drift schedule could not be synced; the next worker start retries'));
    startups.push(scheduled);
  }
  const chaosMonkeyIntervalMs = options.chaosMonkeyIntervalMs ?? 60_000;
  const chaosMonkey = chaosMonkeyIntervalMs > 0 ? startChaosMonkey({ pool: options.db.pool, providers: options.providers ?? new ProviderRegistry([]), log: options.log, intervalMs: chaosMonkeyIntervalMs }) : undefined;
  const repositoryPolling = startPipelineRepositoryPolling(repositories, (messages) => options.bus.sendAll(messages), options.log);
  return {
    engine,
    async close() {
      await Promise.all(startups);
      stopReconciler();
      await stopPrune();
      await dockerPolling.stop();
      await notificationSender.stop();
      await chaosMonkey?.stop();
      await repositoryPolling.stop();
      await relay.stop();
      await cronResync.stop();
      await consumer.close();
      await outboxAcks.flush();
      await schedules.close();
      await expressions.close();
    },
  };
}

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { EMPTY_DEPLOY_POLICY, type DeployPolicy, type WatchAccounts } from '@gantry/core';
import { ProviderRegistry, routerLookup } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import type { CanaryConfigRepository, ClusterPlace, ExecutionChanges, ExecutionCommands, ExecutionRepository, IdempotencyKeys, PipelineRepository, PipelineRepositorySyncs } from '@gantry/store';
import type { DriftWatchSetting, PipelineRepositorySetting } from '@gantry/config';
import { installAuth, type AuthOptions } from './auth/installAuth';
import { frameworkErrorShape, installErrorShape } from './plugins/errorShape';
import { installJsonBody } from './plugins/jsonBody';
import { withLogRedaction } from './plugins/logRedaction';
import { installRateLimit, type RateLimits } from './plugins/rateLimit';
import { installSecretRedaction } from './plugins/secretRedaction';
import { installSecurityHeaders } from './plugins/securityHeaders';
import { installStorableInput } from './plugins/storableInput';
import { installSwagger } from './plugins/swagger';
import { installTracing } from './plugins/tracing';
import { installZodSchemas } from './plugins/zodSchemas';
import { authRoutes } from './routes/auth';
import { applicationRoutes, emptyClusterIndex, rollbackRoutes, serverGroupActionRoutes, type ClusterIndex } from './routes/applications';
import { canaryConfigRoutes } from './routes/canaryConfigs';
import { executionRoutes } from './routes/executions';
import { executionStreamRoutes } from './routes/executions/stream';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { pipelineRoutes } from './routes/pipelines';
import { pipelineRepositoryRoutes } from './routes/pipelineRepositories';
import { driftRoutes } from './routes/drift';
import { uiRoutes } from './routes/ui';
import { gateRoutes } from './routes/gate';
import { webhookRoutes } from './routes/webhooks';
import { chaosMonkeyRoutes } from './routes/chaosMonkey';
import { notificationRoutes, type SlackJudgmentSettings } from './routes/notifications';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const API_PREFIX = '/api/v1';

export interface ServerDeps {
  /** Who may call what (see apps/api/src/auth): required, so no server is built without a decision. */
  auth: AuthOptions;
  /** This server's URL as browsers reach it, for the OIDC redirect (GANTRY_PUBLIC_URL). */
  publicUrl?: string;
  pipelines: PipelineRepository;
  executions: ExecutionRepository;
  commands: ExecutionCommands;
  bus: MessageBus;
  /** Checks of the dependencies (database, queue); /readyz answers 503 when one is not ok. */
  readiness: () => Promise<ReadinessCheck[]>;
  /** Fastify's pino logger; default true (info level). Tests pass false (or a stream to read). */
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body; default 1 MiB. */
  bodyLimitBytes?: number;
  /**
   * What the trigger endpoints (/webhooks/…) need: the database they match pipelines in, and the
   * configuration's webhook secrets by ref, and the sources open to anyone. Without it those endpoints are not served.
   */
  triggers?: { pool: pg.Pool; secrets?: Readonly<Record<string, string>>; openSources?: readonly string[] };
  /** The configured accounts and their providers, for the application routes; default none. */
  providers?: Pick<ProviderRegistry, 'forAccount' | 'accounts'>;
  /** Where Gantry deployed an application's clusters (PostgresClusterIndex); default none known. */
  clusterIndex?: ClusterIndex;
  /** Server groups Gantry saw healthy, that a rollback may restore (knownHealthyServerGroups); default none known. */
  knownHealthyServerGroups?: (place: ClusterPlace) => Promise<ReadonlySet<string>>;
  /** Where the Idempotency-Keys of triggers and rollbacks are remembered; without it the header is not honoured. */
  idempotencyKeys?: IdempotencyKeys;
  /** Requests per second per caller (the configuration's rateLimitPer*); default none, for tests. */
  rateLimits?: RateLimits;
  /** The configuration's deploy policy; the API applies its save-time rules. Default: none. */
  deployPolicy?: DeployPolicy;
  /** Where Kayenta canary configs are stored; without it /canaryConfigs is not served. */
  canaryConfigs?: CanaryConfigRepository;
  /** Chaos Monkey's configurations, kill switch and decisions (its routes are left out without it). */
  chaosMonkey?: { pool: pg.Pool };
  /** PostgreSQL's notifications of execution changes (LISTEN); with it, GET /executions/:id/stream is served. */
  executionChanges?: ExecutionChanges;
  /**
   * Application default notifications and Slack's judgment callback (the configuration's
   * notifications.slack); without it those routes are not served.
   */
  notifications?: { pool: pg.Pool; slack: SlackJudgmentSettings };
  /** Git repositories pipelines are synced from (the configuration's pipelinesRepo* and pipelineRepositories) and their reports; default none. */
  pipelineRepositories?: { settings: readonly PipelineRepositorySetting[]; syncs: Pick<PipelineRepositorySyncs, 'reports'> };
  /** Drift's records and the configured drift watches (the configuration's driftWatches); without it GET /drift is not served. */
  drift?: { pool: pg.Pool; watches: readonly DriftWatchSetting[] };
  /** Where the web UI's build is (default apps/ui/dist). */
  uiDistDir?: string;
}

/** The HTTP API, ready for `inject()` or `listen()` (the caller starts and stops it). */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({ logger: withLogRedaction(deps.logger ?? true), bodyLimit: bodyLimitBytes, frameworkErrors: frameworkErrorShape({ bodyLimitBytes }) });

  // The request's span first, so authentication and everything after it are inside it.
  installTracing(app);
  // First: its onRoute check must see every route, and a request is identified before anything else.
  installAuth(app, deps.auth);
  installZodSchemas(app);
  installJsonBody(app);
  installErrorShape(app, { bodyLimitBytes });
  installSecurityHeaders(app);
  if (deps.rateLimits !== undefined) installRateLimit(app, deps.rateLimits);
  installStorableInput(app);
  installSecretRedaction(app, { pipelines: deps.pipelines, prefix: API_PREFIX });
  installSwagger(app, { bodyLimitBytes });

  const providers = deps.providers ?? new ProviderRegistry([]);
  // A syncManifests stage naming a drift watch acts in the watch's account: saves and triggers count it.
  const watchAccounts: WatchAccounts = new Map((deps.drift?.watches ?? []).map((watch) => [watch.name, watch.account]));
  app.register(healthRoutes, { readiness: deps.readiness });
  if (deps.auth.mode === 'on') {
    const { store, oidc } = deps.auth;
    app.register(authRoutes, { store, ...(oidc === undefined ? {} : { oidc }), ...(deps.publicUrl === undefined ? {} : { publicUrl: deps.publicUrl }) });
  }
  app.register(pipelineRoutes, {
    prefix: API_PREFIX,
    pipelines: deps.pipelines,
    bus: deps.bus,
    saveRules: {
      rules: (deps.deployPolicy ?? EMPTY_DEPLOY_POLICY).rules,
      watchAccounts,
      accounts: () => providers.accounts().map((account) => ({ name: account.name, provider: account.provider, tags: account.tags ?? [] })),
    },
    // Read per save: the accounts can be reloaded.
    routerOf: (name, cluster) => routerLookup(providers.accounts())(name, cluster),
    ...(deps.auth.mode === 'on' ? { serviceAccounts: deps.auth.store } : {}),
  });
  app.register(pipelineRepositoryRoutes, {
    prefix: API_PREFIX,
    repositories: deps.pipelineRepositories?.settings ?? [],
    syncs: deps.pipelineRepositories?.syncs ?? { reports: async () => [] },
    bus: deps.bus,
    ...(deps.triggers?.secrets === undefined ? {} : { secrets: deps.triggers.secrets }),
  });
  if (deps.drift !== undefined) app.register(driftRoutes, { prefix: API_PREFIX, ...deps.drift, bus: deps.bus });
  if (deps.triggers !== undefined) {
    app.register(webhookRoutes, { prefix: API_PREFIX, ...deps.triggers, executions: deps.executions, bus: deps.bus });
    // Gate's webhook paths at the root, where hosts and scripts configured for Spinnaker post.
    app.register(webhookRoutes, { ...deps.triggers, executions: deps.executions, bus: deps.bus, gateOnly: true });
  }
  app.register(gateRoutes, {
    pipelines: deps.pipelines,
    watchAccounts,
    executions: deps.executions,
    bus: deps.bus,
    ...(deps.idempotencyKeys === undefined ? {} : { idempotencyKeys: deps.idempotencyKeys }),
  });
  app.register(executionRoutes, {
    prefix: API_PREFIX,
    executions: deps.executions,
    pipelines: deps.pipelines,
    watchAccounts,
    commands: deps.commands,
    bus: deps.bus,
    ...(deps.idempotencyKeys === undefined ? {} : { idempotencyKeys: deps.idempotencyKeys }),
  });
  if (deps.notifications !== undefined) {
    const authStore = deps.auth.mode === 'on' ? deps.auth.store : undefined;
    app.register(notificationRoutes, {
      prefix: API_PREFIX,
      ...deps.notifications,
      commands: deps.commands,
      executions: deps.executions,
      bus: deps.bus,
      ...(authStore === undefined ? {} : { grants: () => authStore.grants() }),
    });
  }
  if (deps.canaryConfigs !== undefined) app.register(canaryConfigRoutes, { prefix: API_PREFIX, canaryConfigs: deps.canaryConfigs });
  if (deps.chaosMonkey !== undefined) app.register(chaosMonkeyRoutes, { prefix: API_PREFIX, pool: deps.chaosMonkey.pool });
  const clusterIndex = deps.clusterIndex ?? emptyClusterIndex;
  app.register(applicationRoutes, { prefix: API_PREFIX, providers, clusterIndex });
  app.register(rollbackRoutes, {
    prefix: API_PREFIX,
    providers,
    clusterIndex,
    pipelines: deps.pipelines,
    executions: deps.executions,
    bus: deps.bus,
    knownHealthy: deps.knownHealthyServerGroups ?? (async () => new Set<string>()),
    ...(deps.idempotencyKeys === undefined ? {} : { idempotencyKeys: deps.idempotencyKeys }),
  });
  app.register(serverGroupActionRoutes, {
    prefix: API_PREFIX,
    providers,
    clusterIndex,
    pipelines: deps.pipelines,
    executions: deps.executions,
    bus: deps.bus,
    ...(deps.idempotencyKeys === undefined ? {} : { idempotencyKeys: deps.idempotencyKeys }),
  });
  if (deps.executionChanges !== undefined) {
    app.register(executionStreamRoutes, { prefix: API_PREFIX, executions: deps.executions, changes: deps.executionChanges });
  }
  app.register(uiRoutes, {
    oidcLogin: deps.auth.mode === 'on' && deps.auth.oidc?.settings.clientId !== undefined,
    ...(deps.uiDistDir === undefined ? {} : { distDir: deps.uiDistDir }),
  });
  return app;
}

import type { FastifyInstance } from 'fastify';
import type { ArtifactAccountConfig, DriftSettings, PipelineRepositorySetting } from '../../packages/config/src';
import type { DeployPolicy } from '../../packages/core/src';
import { PostgresClusterIndex, buildServer, type ServerDeps } from '../../apps/api/src';
import type { OidcVerifier } from '../../apps/api/src/auth/oidc';
import { authenticateInjects, injectJson, testAuth } from '../../apps/api/src/testSupport';
import type { SlackJudgmentSettings } from '../../apps/api/src/routes/notifications';
import { startWorker, type JenkinsMasterSetting, type MetricsAccountSetting, type ProviderDirectory, type RunningWorker, type TaskClock, type TaskImplementation } from '../../apps/worker/src';
import { createMessageBus, type MessageBus, type QueueBackendConfig } from '../../packages/queue/src';
import {
  CanaryConfigRepository,
  ExecutionChanges,
  IdempotencyKeys,
  PipelineRepository,
  PipelineRepositorySyncs,
  type AuthStore,
  PostgresExecutionCommands,
  PostgresExecutionRepository,
  knownHealthyServerGroups,
  type ExecutionDetail,
} from '../../packages/store/src';
import { testQueueConfig, type QueueBackendKind } from './queueBackends';
import { createTestDatabase, type TestDatabase } from './testDatabase';

/** A whole Gantry (API + one in-process worker) on this test file's own database and queue. */
export interface TestGantry {
  api: FastifyInstance;
  /** The tokens the API authenticates (`storeTestToken` adds one for a client outside `request`). */
  auth: AuthStore;
  database: TestDatabase;
  queue: QueueBackendConfig;
  bus: MessageBus;
  worker: RunningWorker | undefined;
  /** Through `app.inject` with an admin token (`asUser()`, or the one `headers` names). */
  request<T = unknown>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  savePipeline(definition: unknown): Promise<string>;
  trigger(pipelineId: string, parameters?: Record<string, unknown>): Promise<string>;
  waitFor(executionId: string, done?: (execution: ExecutionDetail) => boolean, timeoutMs?: number): Promise<ExecutionDetail>;
  stop(): Promise<void>;
}

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The stores and bus every test API over a test database is built on; a test adds what it is about. */
export function apiStores(database: TestDatabase, bus: MessageBus): Pick<ServerDeps, 'pipelines' | 'executions' | 'commands' | 'bus'> {
  const pool = database.db.pool;
  return {
    pipelines: new PipelineRepository(database.db.prisma),
    executions: new PostgresExecutionRepository(pool),
    commands: new PostgresExecutionCommands(pool),
    bus,
  };
}

export async function startTestGantry(
  options: {
    backend?: QueueBackendKind;
    worker?: boolean;
    extraTasks?: TaskImplementation[];
    lockDurationMs?: number;
    reconcileIntervalMs?: number;
    /** Accounts for server group stages and the application routes (a ProviderRegistry); default none. */
    providers?: ProviderDirectory;
    /** Serve the webhook trigger routes (/webhooks/…), as production does. */
    webhooks?: boolean;
    /** Traffic guards, freeze windows and save-time rules, for the API and the worker; default none. */
    deployPolicy?: DeployPolicy;
    /** The worker re-checks deploy-type stages' permissions against the test's grants, as production does with auth on. */
    recheckPermissions?: boolean;
    /** Jenkins masters for jenkins stages (the configuration's jenkinsMasters); default none. */
    jenkinsMasters?: readonly JenkinsMasterSetting[];
    /** The worker's secrets (the configuration's `secrets`), also the API's webhook secrets; default none. */
    secrets?: Readonly<Record<string, string>>;
    /** Git repositories pipelines are synced from, for the API and the worker; default none. */
    pipelineRepositories?: readonly PipelineRepositorySetting[];
    /** Artifact accounts for bakes and deploys (the configuration's artifactAccounts); default the built-in two. */
    artifactAccounts?: Readonly<Record<string, ArtifactAccountConfig>>;
    /** An OpenID provider to accept ID tokens from and, with its clientId, to sign browsers in through (/auth/login). */
    oidc?: OidcVerifier;
    /** This server's URL as browsers reach it (the OIDC redirect URI is registered with the provider before the server listens). */
    publicUrl?: string;
    /** Who may judge from Slack and the signing secret of its callbacks; default: nobody, no secret. */
    slackJudgment?: SlackJudgmentSettings;
    /** Metrics accounts for kayentaCanary stages (the configuration's metricsAccounts); default none. */
    metricsAccounts?: readonly MetricsAccountSetting[];
    /** The clock tasks wait towards instants by (a faster one runs a canary's minutes in moments). */
    clock?: TaskClock;
    /** Drift's schedule, watches and notification targets, for the API and the worker; default: none, no schedule. */
    drift?: DriftSettings;
    /** How often the worker looks for notifications to send (ms); default the production second. */
    notificationPollMs?: number;
  } = {},
): Promise<TestGantry> {
  const database = await createTestDatabase();
  const queue = testQueueConfig(options.backend ?? 'redis', database.url);
  const bus = createMessageBus(queue);
  const pool = database.db.pool;
  const stores = apiStores(database, bus);
  const executions = stores.executions;
  const auth = { ...testAuth(database), ...(options.oidc === undefined ? {} : { oidc: options.oidc }) };
  const api = buildServer({
    auth,
    ...stores,
    readiness: async () => [{ name: 'postgresql', ok: true }],
    logger: false,
    ...(options.providers === undefined ? {} : { providers: options.providers }),
    clusterIndex: new PostgresClusterIndex(pool),
    knownHealthyServerGroups: (place) => knownHealthyServerGroups(pool, place),
    idempotencyKeys: new IdempotencyKeys(pool),
    canaryConfigs: new CanaryConfigRepository(pool),
    executionChanges: new ExecutionChanges(database.url),
    ...(options.webhooks === true ? { triggers: { pool, ...(options.secrets === undefined ? {} : { secrets: options.secrets }) } } : {}),
    ...(options.pipelineRepositories === undefined
      ? {}
      : { pipelineRepositories: { settings: options.pipelineRepositories, syncs: new PipelineRepositorySyncs(database.db.prisma) } }),
    ...(options.deployPolicy === undefined ? {} : { deployPolicy: options.deployPolicy }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    notifications: { pool, slack: options.slackJudgment ?? { users: {} } },
    drift: { pool, watches: options.drift?.watches ?? [] },
    chaosMonkey: { pool },
  });
  authenticateInjects(api, auth);
  await api.ready();
  const worker =
    options.worker === false
      ? undefined
      : startWorker({
          db: database.db,
          bus,
          queue,
          log: silentLog,
          concurrency: 10,
          lockDurationMs: options.lockDurationMs ?? 5_000,
          webhook: { allowedHosts: [], timeoutMs: 5_000 },
          retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 200 },
          extraTasks: options.extraTasks,
          reconcileIntervalMs: options.reconcileIntervalMs ?? 0,
          ...(options.providers === undefined ? {} : { providers: options.providers }),
          ...(options.deployPolicy === undefined ? {} : { deployPolicy: options.deployPolicy }),
          ...(options.recheckPermissions === true ? { permissions: auth.store } : {}),
          ...(options.jenkinsMasters === undefined ? {} : { jenkinsMasters: options.jenkinsMasters }),
          ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
          ...(options.pipelineRepositories === undefined ? {} : { pipelineRepositories: options.pipelineRepositories }),
          ...(options.artifactAccounts === undefined ? {} : { artifactAccounts: options.artifactAccounts }),
          ...(options.metricsAccounts === undefined ? {} : { metricsAccounts: options.metricsAccounts }),
          ...(options.clock === undefined ? {} : { clock: options.clock }),
          ...(options.drift === undefined ? {} : { drift: options.drift }),
          ...(options.notificationPollMs === undefined ? {} : { notifications: { pollIntervalMs: options.notificationPollMs, maxAttempts: 8 } }),
        });

  const request: TestGantry['request'] = async (method, url, body, headers = {}) => {
    const response = await injectJson(api, method as 'GET', url, body, headers);
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
  };

  return {
    api,
    auth: auth.store,
    database,
    queue,
    bus,
    worker,
    request,
    async savePipeline(definition) {
      const response = await request<{ id: string }>('POST', '/api/v1/pipelines', definition);
      if (response.status !== 201) throw new Error(`saving the pipeline failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.id;
    },
    async trigger(pipelineId, parameters = {}) {
      const response = await request<{ id: string }>('POST', `/api/v1/pipelines/${pipelineId}/executions`, { parameters });
      if (response.status !== 202) throw new Error(`trigger failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.id;
    },
    async waitFor(executionId, done = isFinished, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const execution = await executions.get(executionId);
        if (done(execution)) return execution;
        if (Date.now() > deadline) {
          throw new Error(`execution ${executionId} did not reach the expected state: ${JSON.stringify(summarise(execution))}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      await worker?.close();
      await api.close();
      await bus.close();
      await database.drop();
    },
  };
}

const FINISHED = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'FAILED_CONTINUE']);

export function isFinished(execution: ExecutionDetail): boolean {
  return FINISHED.has(execution.status);
}

export function stageOf(execution: ExecutionDetail, refId: string) {
  const stage = execution.stages.find((s) => s.refId === refId);
  if (!stage) throw new Error(`no stage ${refId}`);
  return stage;
}

function summarise(execution: ExecutionDetail) {
  return { status: execution.status, stages: execution.stages.map((s) => ({ refId: s.refId, status: s.status, error: s.error })) };
}

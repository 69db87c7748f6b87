import { readFileSync } from 'node:fs';
import { EMPTY_DEPLOY_POLICY, deployPolicySchema } from '@gantry/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { artifactAccountMap } from './artifactAccounts';

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

const csv = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean));

// From the environment a map arrives as text: JSON, so values may hold any character.
const secretMap = z.preprocess(
  (value) => (typeof value === 'string' ? parseJsonOr(value) : value),
  z.record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'secret names are letters, digits, _ and -'),
    z.string().min(1, 'a secret must not be empty'),
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'expected a map of secret name to value (a JSON object in the environment)'
          : 'secret names are letters, digits, _ and -; values are non-empty text',
    },
  ),
);

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const secretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a secret name is letters, digits, _ and -');

/**
 * Registries whose tags docker triggers poll (those that cannot push notifications), by the name
 * triggers give as `account` (Spinnaker's docker registry account); a trigger naming the
 * registry's host as `registry` finds it too. The password is a secret's name, never its value.
 */
const dockerRegistryMap = namedMap(
  'registry',
  z.strictObject({
    address: url(['https:', 'http:']),
    username: z.string().min(1).optional(),
    /** The secret (GANTRY_SECRET_<NAME> or `secrets`) holding the password or access token. */
    passwordSecret: secretName.optional(),
    pollIntervalSeconds: z.coerce.number().int().min(5).default(60),
  }),
);

/**
 * Jenkins masters jenkins stages run jobs on, by the name stages give as `master` (Spinnaker's
 * igor masters; the jenkins trigger's master names are the same). The API token is a secret's
 * name, never its value.
 */
const jenkinsMasterMap = namedMap(
  'master',
  z.strictObject({
    address: url(['https:', 'http:']),
    username: z.string().min(1).optional(),
    /** The secret (GANTRY_SECRET_<NAME> or `secrets`) holding the user's API token. */
    apiTokenSecret: secretName.optional(),
  }),
);

/**
 * Metrics accounts kayentaCanary stages read by `metricsAccountName` (Kayenta's
 * `kayenta.<source>.accounts[]`): the source, its base URL, and for Datadog and New Relic the
 * secrets holding the keys (names, never values).
 */
const metricsAccountMap = namedMap(
  'account',
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('prometheus'),
      address: url(['https:', 'http:']),
      /** The label an instance's name is in, for gce_instance scopes (Kayenta's default `instance`). */
      scopeLabel: z.string().min(1).optional(),
    }),
    z.strictObject({
      type: z.literal('datadog'),
      address: url(['https:', 'http:']).default('https://api.datadoghq.com'),
      apiKeySecret: secretName,
      applicationKeySecret: secretName,
    }),
    z.strictObject({
      type: z.literal('newrelic'),
      address: url(['https:', 'http:']).default('https://insights-api.newrelic.com'),
      /** The secret holding the Insights query key (sent as X-Query-Key). */
      apiKeySecret: secretName,
      /** The New Relic account id (Kayenta's `applicationKey`). */
      accountId: z.string().regex(/^[0-9]+$/, 'a New Relic account id is digits'),
      defaultScopeKey: z.string().min(1).optional(),
      defaultLocationKey: z.string().min(1).optional(),
    }),
  ]),
);

/**
 * Where notifications go out (README "Notifications"): Slack's bot token and signing secret, the
 * SMTP server, the generic webhooks' signing secret, each a secret's name, never its value; and
 * which Slack users may judge as which Gantry principal.
 */
export const notificationSettingsSchema = z.strictObject({
  slack: z
    .strictObject({
      /** The bot token (xoxb-…) chat.postMessage sends with; without it only incoming-webhook addresses work. */
      botTokenSecret: secretName.optional(),
      /** The app's signing secret: without it the judgment buttons' callback answers 401 to everyone. */
      signingSecretSecret: secretName.optional(),
      apiUrl: url(['https:', 'http:']).default('https://slack.com/api'),
      /** Slack user id → the Gantry user and roles a judgment from that Slack user is made as. */
      users: z.record(z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id (U… or W…)'), z.strictObject({ user: z.string().min(1), roles: z.array(z.string().min(1)).default([]) })).default({}),
    })
    .optional(),
  smtp: z.strictObject({ url: url(['smtp:', 'smtps:']), from: z.string().min(3) }).optional(),
  /** The secret generic webhook notifications are signed with (X-Gantry-Signature: sha256=…). */
  webhookSigningSecret: secretName.optional(),
  /** How often each worker looks for notifications to send. */
  pollIntervalMs: z.coerce.number().int().min(50).default(1000),
  /** Attempts before a notification is given up (an audit event on the execution says so). */
  maxAttempts: z.coerce.number().int().min(1).max(50).default(8),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** A git checkout's source and its HTTP basic auth (the user, default `git`, and the secret holding its password or access token). */
const gitSourceFields = {
  url: url(['https:', 'http:', 'file:', 'ssh:']),
  branch: z.string().min(1).default('main'),
  username: z.string().min(1).optional(),
  passwordSecret: secretName.optional(),
};

/** Settings by a name others refer to, given as an object or as JSON text (an environment variable). */
function namedMap<T extends z.ZodType>(what: string, entry: T) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? parseJsonOr(value) : value),
    z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} names are letters, digits, ., _ and -`), entry),
  );
}

/**
 * Git repositories whose pipeline files (JSON or YAML, Gantry's or Spinnaker's shape) are the
 * pipelines (README "Pipelines from git"), by a name pipelines and webhooks refer to. Secrets are
 * names, never values.
 */
const pipelineRepositoryMap = namedMap(
  'repository',
  z.strictObject({
    ...gitSourceFields,
    path: z.string().default('pipelines/'),
    intervalSeconds: z.coerce.number().int().min(5).default(60),
    /** The secret push webhooks are signed with (GitHub, Bitbucket) or carry (GitLab's X-Gitlab-Token). */
    webhookSecret: secretName.optional(),
    /**
     * The service account the sync saves as (its roles now): each file must pass the checks a save
     * through the API by it would (WRITE, runAsUser, deploy policy). Needed with authentication on.
     */
    runAs: z.string().min(1).optional(),
  }),
);

/** Where a drift change is announced: a notification channel (README "Notifications") and its address. */
const driftNotificationTarget = z.strictObject({
  type: z.enum(['slack', 'email', 'webhook', 'microsoftteams', 'googlechat']),
  address: z.string().min(1),
});
const driftNotificationList = z.preprocess((value) => (typeof value === 'string' ? parseJsonOr(value) : value), z.array(driftNotificationTarget));

/**
 * Drift watches (README "Drift"): a git path of manifests that must be what runs in one account's
 * namespace, by a name the API and the syncManifests stage refer to. The application owns the
 * watch's objects (who may read their drift). Secrets are names, never values.
 */
const driftWatchMap = namedMap(
  'drift watch',
  z.strictObject({
    ...gitSourceFields,
    path: z.string().default(''),
    account: z.string().min(1),
    namespace: z.string().min(1),
    application: z.string().min(1),
    /** Besides driftNotifications, who hears of this watch's drift. */
    notifications: z.array(driftNotificationTarget).default([]),
  }),
);

/** Every setting, its env variable, its YAML key and its default, in one place. */
export const configSchema = z.object({
  /** Unset: an embedded PostgreSQL with its data under dataDir. */
  databaseUrl: url(['postgres:', 'postgresql:']).optional(),
  /** Unset: messages go through BullMQ's PostgreSQL backend, in the same database. */
  redisUrl: url(['redis:', 'rediss:']).optional(),
  dataDir: z.string().min(1).default('./.gantry/data'),
  embeddedPostgresPort: z.coerce.number().int().min(1).max(65535).optional(),
  queuePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('gantry'),
  queueSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('bullmq'),
  /** Loopback by default: reaching Gantry from elsewhere is a decision (and needs auth on). */
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8084),
  /** A standalone worker's /healthz, /readyz and /metrics (on HOST); 0 picks a free port. */
  metricsPort: z.coerce.number().int().min(0).max(65535).default(9464),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  bodyLimitBytes: z.coerce.number().int().positive().default(1024 * 1024),
  workerConcurrency: z.coerce.number().int().min(1).max(500).default(20),
  /** How soon a message held by a worker that died is handed to another one. */
  lockDurationMs: z.coerce.number().int().min(1000).default(10_000),
  /**
   * How often a worker looks for running work with no message in flight (lost with the queue, or
   * by a process that died), and how long work must have been quiet to count as such.
   */
  reconcileIntervalMs: z.coerce.number().int().min(1000).default(30_000),
  /** Finished executions (and audit events) older than this many days are pruned by the workers; 0 keeps them. */
  retentionDays: z.coerce.number().int().min(0).default(0),
  /** Only the newest this many finished executions of each pipeline are kept; 0 keeps them all. */
  retentionPerPipeline: z.coerce.number().int().min(0).default(0),
  webhookAllowedHosts: csv.default([]),
  webhookTimeoutMs: z.coerce.number().int().positive().default(30_000),
  /** Webhook sources anyone may post to unsigned and without a token (`github`, `jenkins:<master>`, `*`); default none. */
  webhookOpenSources: csv.default([]),
  /**
   * Webhook trigger secrets by ref (`secret: {ref: "github"}` in a trigger): a map in the YAML file,
   * or a JSON object in GANTRY_SECRETS. A GANTRY_SECRET_<REF> variable wins over both.
   */
  secrets: secretMap.default({}),
  dockerRegistries: dockerRegistryMap.default({}),
  jenkinsMasters: jenkinsMasterMap.default({}),
  pipelineRepositories: pipelineRepositoryMap.default({}),
  /** The first pipelines repository (named `default`) by environment variables alone. */
  pipelinesRepoUrl: url(['https:', 'http:', 'file:', 'ssh:']).optional(),
  pipelinesRepoBranch: z.string().min(1).default('main'),
  pipelinesRepoPath: z.string().default('pipelines/'),
  pipelinesRepoIntervalSec: z.coerce.number().int().min(5).default(60),
  pipelinesRepoWebhookSecret: secretName.optional(),
  pipelinesRepoPasswordSecret: secretName.optional(),
  pipelinesRepoRunAs: z.string().min(1).optional(),
  /** How often the workers compare what runs with what Gantry deployed and the drift watches; 0 turns the schedule off (checks on demand only). */
  driftIntervalSec: z.coerce.number().int().min(0).default(60),
  driftWatches: driftWatchMap.default({}),
  /** Who hears of every change of drift state (a JSON list in GANTRY_DRIFT_NOTIFICATIONS). */
  driftNotifications: driftNotificationList.default([]),
  /** How often each worker's Chaos Monkey scheduler looks at the applications that opted in; 0 turns it off in this process. */
  chaosMonkeyIntervalSec: z.coerce.number().int().min(0).default(60),
  /** Artifact accounts bakes and deploys fetch through (README "Artifact accounts"); the built-in two need no entry. */
  artifactAccounts: artifactAccountMap.default({}),
  metricsAccounts: metricsAccountMap.default({}),
  /** The accounts file (packages/providers loadAccounts); unset: ./accounts.yaml when it exists. */
  accountsFile: z.string().min(1).optional(),
  /** Time for all the CEL expressions of one stage start; over it the stage fails naming the limit. */
  expressionTimeoutMs: z.coerce.number().int().min(10).default(1000),
  /** Heap of the thread that evaluates pipelines' CEL; over it the stage fails naming the limit. */
  expressionMemoryMb: z.coerce.number().int().min(16).default(64),
  /** API and webhook requests per second per authenticated principal; 0 turns the limit off. */
  rateLimitPerPrincipal: z.coerce.number().int().min(0).default(50),
  /** Requests per second per source address, for callers without credentials; 0 turns the limit off. */
  rateLimitPerAddress: z.coerce.number().int().min(0).default(50),
  /** `off` only for a loopback HOST: every caller is then an anonymous admin. */
  auth: z.enum(['on', 'off']).default('on'),
  /** Invalid credentials one source address may send per window before it gets 429 until the window ends; 0: no throttle. */
  authFailureLimit: z.coerce.number().int().min(0).default(10),
  authFailureWindowSeconds: z.coerce.number().int().min(1).default(300),
  /** The first admin API token, chosen by the operator (containers, automation); else Gantry makes one on first start. */
  adminToken: z.string().min(20, 'must be at least 20 characters').optional(),
  /** A file holding the admin token (a mounted secret); read at start-up. */
  adminTokenFile: z.string().min(1).optional(),
  oidcIssuer: url(['https:', 'http:']).optional(),
  /** The `aud` OIDC tokens must carry; default the client id. */
  oidcAudience: z.string().min(1).optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecret: z.string().min(1).optional(),
  oidcGroupsClaim: z.string().min(1).default('groups'),
  /** How browsers reach this server (for the OIDC redirect to /auth/callback); default from each request. */
  publicUrl: url(['https:', 'http:']).optional(),
  /**
   * Traffic guards, freeze windows and save-time rules (README "Deploy policy"): a map in the YAML
   * file, or a JSON object in GANTRY_DEPLOY_POLICY.
   */
  deployPolicy: z.preprocess((value) => (typeof value === 'string' ? parseJsonOr(value) : value), deployPolicySchema).default(EMPTY_DEPLOY_POLICY),
  /** Notification channels (a map in the YAML file, or a JSON object in GANTRY_NOTIFICATIONS). */
  notifications: z.preprocess((value) => (typeof value === 'string' ? parseJsonOr(value) : value), notificationSettingsSchema).default(notificationSettingsSchema.parse({})),
});

export type GantryConfig = z.infer<typeof configSchema>;

const ENV_KEYS: Record<keyof GantryConfig, string> = {
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  dataDir: 'GANTRY_DATA_DIR',
  embeddedPostgresPort: 'GANTRY_EMBEDDED_PG_PORT',
  queuePrefix: 'GANTRY_QUEUE_PREFIX',
  queueSchema: 'GANTRY_QUEUE_SCHEMA',
  host: 'HOST',
  port: 'PORT',
  metricsPort: 'GANTRY_METRICS_PORT',
  logLevel: 'LOG_LEVEL',
  bodyLimitBytes: 'GANTRY_BODY_LIMIT_BYTES',
  workerConcurrency: 'GANTRY_WORKER_CONCURRENCY',
  lockDurationMs: 'GANTRY_LOCK_DURATION_MS',
  reconcileIntervalMs: 'GANTRY_RECONCILE_INTERVAL_MS',
  retentionDays: 'GANTRY_RETENTION_DAYS',
  retentionPerPipeline: 'GANTRY_RETENTION_PER_PIPELINE',
  webhookAllowedHosts: 'GANTRY_WEBHOOK_ALLOWED_HOSTS',
  webhookTimeoutMs: 'GANTRY_WEBHOOK_TIMEOUT_MS',
  webhookOpenSources: 'GANTRY_WEBHOOK_OPEN_SOURCES',
  secrets: 'GANTRY_SECRETS',
  dockerRegistries: 'GANTRY_DOCKER_REGISTRIES',
  jenkinsMasters: 'GANTRY_JENKINS_MASTERS',
  pipelineRepositories: 'GANTRY_PIPELINE_REPOSITORIES',
  pipelinesRepoUrl: 'GANTRY_PIPELINES_REPO_URL',
  pipelinesRepoBranch: 'GANTRY_PIPELINES_REPO_BRANCH',
  pipelinesRepoPath: 'GANTRY_PIPELINES_REPO_PATH',
  pipelinesRepoIntervalSec: 'GANTRY_PIPELINES_REPO_INTERVAL_SEC',
  pipelinesRepoWebhookSecret: 'GANTRY_PIPELINES_REPO_WEBHOOK_SECRET',
  pipelinesRepoPasswordSecret: 'GANTRY_PIPELINES_REPO_PASSWORD_SECRET',
  pipelinesRepoRunAs: 'GANTRY_PIPELINES_REPO_RUN_AS',
  driftIntervalSec: 'GANTRY_DRIFT_INTERVAL_SEC',
  driftWatches: 'GANTRY_DRIFT_WATCHES',
  driftNotifications: 'GANTRY_DRIFT_NOTIFICATIONS',
  chaosMonkeyIntervalSec: 'GANTRY_CHAOS_MONKEY_INTERVAL_SEC',
  artifactAccounts: 'GANTRY_ARTIFACT_ACCOUNTS',
  metricsAccounts: 'GANTRY_METRICS_ACCOUNTS',
  accountsFile: 'GANTRY_ACCOUNTS_FILE',
  expressionTimeoutMs: 'GANTRY_EXPRESSION_TIMEOUT_MS',
  expressionMemoryMb: 'GANTRY_EXPRESSION_MEMORY_MB',
  rateLimitPerPrincipal: 'GANTRY_RATE_LIMIT_PER_PRINCIPAL',
  rateLimitPerAddress: 'GANTRY_RATE_LIMIT_PER_ADDRESS',
  auth: 'GANTRY_AUTH',
  authFailureLimit: 'GANTRY_AUTH_FAILURE_LIMIT',
  authFailureWindowSeconds: 'GANTRY_AUTH_FAILURE_WINDOW_SECONDS',
  adminToken: 'GANTRY_ADMIN_TOKEN',
  adminTokenFile: 'GANTRY_ADMIN_TOKEN_FILE',
  oidcIssuer: 'GANTRY_OIDC_ISSUER',
  oidcAudience: 'GANTRY_OIDC_AUDIENCE',
  oidcClientId: 'GANTRY_OIDC_CLIENT_ID',
  oidcClientSecret: 'GANTRY_OIDC_CLIENT_SECRET',
  oidcGroupsClaim: 'GANTRY_OIDC_GROUPS_CLAIM',
  publicUrl: 'GANTRY_PUBLIC_URL',
  deployPolicy: 'GANTRY_DEPLOY_POLICY',
  notifications: 'GANTRY_NOTIFICATIONS',
};

/** A configuration problem, worded for the operator: which setting, and what is wrong with it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the optional YAML file named by GANTRY_CONFIG_FILE, then the environment (which wins),
 * and validates the result.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GantryConfig {
  const file = env.GANTRY_CONFIG_FILE ? readConfigFile(env.GANTRY_CONFIG_FILE) : {};
  const fromEnv: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENV_KEYS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = configSchema.safeParse({ ...file, ...fromEnv });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof GantryConfig;
      const source = key in fromEnv ? ENV_KEYS[key] : `${key} (in ${env.GANTRY_CONFIG_FILE})`;
      // Nested settings (deployPolicy) say where inside them, e.g. `freezeWindows.0.timeZone`.
      const inside = issue.path.slice(1).join('.');
      return `${source}: ${inside === '' ? '' : `${inside}: `}${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  checkAuthSettings(parsed.data);
  return parsed.data;
}

/** Names of the loopback interface: only there may Gantry run without authentication. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function checkAuthSettings(config: GantryConfig): void {
  if (config.auth === 'off' && (config.adminToken !== undefined || config.adminTokenFile !== undefined)) {
    throw new ConfigError('GANTRY_AUTH=off contradicts GANTRY_ADMIN_TOKEN / GANTRY_ADMIN_TOKEN_FILE, which turn authentication on');
  }
  if (config.auth === 'off' && !isLoopback(config.host)) {
    throw new ConfigError(`HOST=${config.host} is reachable from other machines: it needs authentication (GANTRY_AUTH=on, the default), or set HOST=127.0.0.1`);
  }
  if (config.oidcIssuer !== undefined && config.oidcAudience === undefined && config.oidcClientId === undefined) {
    throw new ConfigError('GANTRY_OIDC_ISSUER needs GANTRY_OIDC_AUDIENCE (or GANTRY_OIDC_CLIENT_ID, the default audience)');
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`GANTRY_CONFIG_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`GANTRY_CONFIG_FILE: ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`GANTRY_CONFIG_FILE: ${path} must hold a mapping`);
  return value as Record<string, unknown>;
}

/** The URL with its password masked, for log lines and error messages. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return value;
  }
}

/** Where the first start writes the admin API token (mode 0600), and where the CLI and demo look for it. */
export function adminTokenPath(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}/admin-token`;
}

/**
 * The API token a client on this machine uses: GANTRY_TOKEN, else the admin token the server wrote
 * under GANTRY_DATA_DIR on its first start (undefined when neither exists).
 */
export function localApiToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GANTRY_TOKEN) return env.GANTRY_TOKEN.trim();
  try {
    return readFileSync(adminTokenPath(env.GANTRY_DATA_DIR || './.gantry/data'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A configured pipelines repository, with its name. */
export type PipelineRepositorySetting = z.infer<typeof pipelineRepositoryMap>[string] & { name: string };

/** The pipelines repositories: GANTRY_PIPELINES_REPO_* first (as `default`), then the map. */
export function pipelineRepositoriesOf(config: GantryConfig): PipelineRepositorySetting[] {
  const first: PipelineRepositorySetting[] =
    config.pipelinesRepoUrl === undefined
      ? []
      : [
          {
            name: 'default',
            url: config.pipelinesRepoUrl,
            branch: config.pipelinesRepoBranch,
            path: config.pipelinesRepoPath,
            intervalSeconds: config.pipelinesRepoIntervalSec,
            ...(config.pipelinesRepoWebhookSecret === undefined ? {} : { webhookSecret: config.pipelinesRepoWebhookSecret }),
            ...(config.pipelinesRepoPasswordSecret === undefined ? {} : { passwordSecret: config.pipelinesRepoPasswordSecret }),
            ...(config.pipelinesRepoRunAs === undefined ? {} : { runAs: config.pipelinesRepoRunAs }),
          },
        ];
  const named = Object.entries(config.pipelineRepositories).map(([name, setting]) => ({ name, ...setting }));
  return [...first, ...named.filter((repository) => !(first.length > 0 && repository.name === 'default'))];
}

/** A configured drift watch, with its name. */
export type DriftWatchSetting = z.infer<typeof driftWatchMap>[string] & { name: string };

/** Drift's settings: the schedule, the watches, who hears of changes. */
export interface DriftSettings {
  intervalSeconds: number;
  watches: DriftWatchSetting[];
  notifications: { type: DriftWatchSetting['notifications'][number]['type']; address: string }[];
}

export function driftSettingsOf(config: GantryConfig): DriftSettings {
  return {
    intervalSeconds: config.driftIntervalSec,
    watches: Object.entries(config.driftWatches).map(([name, watch]) => ({ name, ...watch })),
    notifications: config.driftNotifications,
  };
}

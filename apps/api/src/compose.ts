import { driftSettingsOf, pipelineRepositoriesOf, type GantryConfig } from '@gantry/config';
import { secretResolver } from '@gantry/core';
import { StartupError, type Infrastructure } from '@gantry/runtime';
import {
  AuthStore,
  CanaryConfigRepository,
  ExecutionChanges,
  IdempotencyKeys,
  PipelineRepository,
  PipelineRepositorySyncs,
  PostgresExecutionCommands,
  PostgresExecutionRepository,
  knownHealthyServerGroups,
} from '@gantry/store';
import type { ProviderRegistry } from '@gantry/providers';
import type { FastifyInstance } from 'fastify';
import { ensureAdminToken } from './auth/adminToken';
import type { AuthOptions } from './auth/installAuth';
import { OidcVerifier } from './auth/oidc';
import { PostgresClusterIndex } from './routes/applications';
import type { SlackJudgmentSettings } from './routes/notifications';
import { buildServer } from './server';

/** The API wired to real storage, messaging and the configured accounts (openProviderRegistry). */
export function buildApiServer(infra: Infrastructure, config: GantryConfig, providers?: ProviderRegistry): FastifyInstance {
  return buildServer({
    auth: authOptions(config, new AuthStore(infra.db.pool)),
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
    pipelines: new PipelineRepository(infra.db.prisma),
    executions: new PostgresExecutionRepository(infra.db.pool),
    commands: new PostgresExecutionCommands(infra.db.pool),
    bus: infra.bus,
    readiness: () => infra.readiness(),
    logger: { level: config.logLevel, name: 'gantry-api' },
    bodyLimitBytes: config.bodyLimitBytes,
    triggers: { pool: infra.db.pool, secrets: config.secrets, openSources: config.webhookOpenSources },
    ...(providers === undefined ? {} : { providers }),
    clusterIndex: new PostgresClusterIndex(infra.db.pool),
    knownHealthyServerGroups: (place) => knownHealthyServerGroups(infra.db.pool, place),
    idempotencyKeys: new IdempotencyKeys(infra.db.pool),
    rateLimits: { perPrincipal: config.rateLimitPerPrincipal, perAddress: config.rateLimitPerAddress },
    deployPolicy: config.deployPolicy,
    canaryConfigs: new CanaryConfigRepository(infra.db.pool),
    pipelineRepositories: { settings: pipelineRepositoriesOf(config), syncs: new PipelineRepositorySyncs(infra.db.prisma) },
    executionChanges: new ExecutionChanges(infra.db.url),
    notifications: { pool: infra.db.pool, slack: slackJudgment(config) },
    drift: { pool: infra.db.pool, watches: driftSettingsOf(config).watches },
    chaosMonkey: { pool: infra.db.pool },
  });
}

/** Authentication as configured: off (loopback only, checked by loadConfig), or tokens plus OIDC when an issuer is set. */
export function authOptions(config: GantryConfig, store: AuthStore): AuthOptions {
  if (config.auth === 'off') return { mode: 'off' };
  const signInLimits = { maxFailures: config.authFailureLimit, windowMs: config.authFailureWindowSeconds * 1000 };
  if (config.oidcIssuer === undefined) return { mode: 'on', store, signInLimits };
  const oidc = new OidcVerifier({
    issuer: config.oidcIssuer,
    audience: config.oidcAudience ?? (config.oidcClientId as string),
    groupsClaim: config.oidcGroupsClaim,
    ...(config.oidcClientId === undefined ? {} : { clientId: config.oidcClientId }),
    ...(config.oidcClientSecret === undefined ? {} : { clientSecret: config.oidcClientSecret }),
  });
  return { mode: 'on', store, oidc, signInLimits };
}

/** Listens on HOST:PORT; a port already taken is the operator's to fix, so it is said in one line. */
export async function listen(app: FastifyInstance, config: Pick<GantryConfig, 'host' | 'port'>): Promise<void> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new StartupError(`PORT=${config.port} is already in use on ${config.host}`);
    if (code === 'EACCES') throw new StartupError(`PORT=${config.port}: not allowed to listen on it (privileged port?)`);
    throw error;
  }
}

/** Builds the API and listens; if it cannot listen, the infrastructure is closed before the error goes up. */
export async function startApiServer(
  infra: Infrastructure,
  config: GantryConfig,
  providers?: ProviderRegistry,
): Promise<FastifyInstance> {
  const app = buildApiServer(infra, config, providers);
  try {
    if (config.auth === 'on') await ensureAdminToken(new AuthStore(infra.db.pool), config, app.log);
    else app.log.warn('authentication is OFF (GANTRY_AUTH=off): every caller on this machine is an admin');
    await listen(app, config);
  } catch (error) {
    await infra.close();
    throw error;
  }
  return app;
}

/** Who may judge from Slack, and the secret Slack signs its callbacks with. */
function slackJudgment(config: GantryConfig): SlackJudgmentSettings {
  const slack = config.notifications.slack;
  const signingSecret = slack?.signingSecretSecret === undefined ? undefined : secretResolver(config.secrets, process.env)(slack.signingSecretSecret);
  return { users: slack?.users ?? {}, ...(signingSecret === undefined ? {} : { signingSecret }) };
}

import type { GantryConfig } from '@gantry/config';
import { StartupError, type Infrastructure } from '@gantry/runtime';
import { PipelineRepository, PostgresExecutionCommands, PostgresExecutionRepository, knownHealthyServerGroups } from '@gantry/store';
import type { ProviderRegistry } from '@gantry/providers';
import type { FastifyInstance } from 'fastify';
import { PostgresClusterIndex } from './routes/applications';
import { buildServer } from './server';

/** The API wired to real storage, messaging and the configured accounts (openProviderRegistry). */
export function buildApiServer(infra: Infrastructure, config: GantryConfig, providers?: ProviderRegistry): FastifyInstance {
  return buildServer({
    pipelines: new PipelineRepository(infra.db.prisma),
    executions: new PostgresExecutionRepository(infra.db.pool),
    commands: new PostgresExecutionCommands(infra.db.pool),
    bus: infra.bus,
    readiness: () => infra.readiness(),
    logger: { level: config.logLevel, name: 'gantry-api' },
    bodyLimitBytes: config.bodyLimitBytes,
    triggers: { pool: infra.db.pool, secrets: config.secrets },
    ...(providers === undefined ? {} : { providers }),
    clusterIndex: new PostgresClusterIndex(infra.db.pool),
    knownHealthyServerGroups: (place) => knownHealthyServerGroups(infra.db.pool, place),
    deployPolicy: config.deployPolicy,
  });
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
    await listen(app, config);
  } catch (error) {
    await infra.close();
    throw error;
  }
  return app;
}

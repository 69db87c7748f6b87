import type { GantryConfig } from '@gantry/config';
import type { Infrastructure } from '@gantry/runtime';
import { PipelineRepository, PostgresExecutionCommands, PostgresExecutionRepository } from '@gantry/store';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server';

/** The API wired to real storage and messaging. */
export function buildApiServer(infra: Infrastructure, config: GantryConfig): FastifyInstance {
  return buildServer({
    pipelines: new PipelineRepository(infra.db.prisma),
    executions: new PostgresExecutionRepository(infra.db.pool),
    commands: new PostgresExecutionCommands(infra.db.pool),
    bus: infra.bus,
    readiness: () => infra.readiness(),
    logger: { level: config.logLevel, name: 'gantry-api' },
    bodyLimitBytes: config.bodyLimitBytes,
  });
}

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { MessageBus } from '@gantry/queue';
import { PipelineRepository, type ExecutionCommands, type ExecutionRepository } from '@gantry/store';
import type { TestDatabase } from '../../../test/support/testDatabase';
import { buildServer, type ServerDeps } from './server';

/**
 * Test-only: a request through `app.inject` with a JSON body (a string body is sent as it is, for
 * malformed-JSON cases).
 */
export function injectJson(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Test-only: stands in for an engine dependency a test never reaches, failing loudly if it does. */
export const unused = (): never => {
  throw new Error('not used by this test');
};

export const unusedExecutions: ExecutionRepository = { launch: unused, get: unused, list: unused, audit: unused };
export const unusedCommands: ExecutionCommands = {
  cancel: unused,
  pause: unused,
  resume: unused,
  restartStage: unused,
  skipWait: unused,
  judge: unused,
  overrideFreeze: unused,
};
const unusedBus: MessageBus = { send: unused, sendAll: unused, close: async () => undefined };

/**
 * Test-only: the API on the test's database with pipelines stored for real; the engine's store and
 * queue are `unused` stand-ins unless `deps` gives them. Silent, with no readiness checks.
 */
export function buildTestServer(database: TestDatabase, deps: Partial<ServerDeps> = {}): FastifyInstance {
  return buildServer({
    pipelines: new PipelineRepository(database.db.prisma),
    executions: unusedExecutions,
    commands: unusedCommands,
    bus: unusedBus,
    readiness: async () => [],
    logger: false,
    ...deps,
  });
}

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, CanaryConfigRepository, PipelineRepository, type ExecutionCommands, type ExecutionRepository } from '@gantry/store';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import type { AuthOptions } from './auth/installAuth';
import { buildServer, type ServerDeps } from './server';

/** Test-only: the user test requests act as unless they say otherwise (an admin). */
export const TEST_USER = 'test-admin';
const TEST_TOKEN_PREFIX = 'gantry_test_';

/** Test-only: the Authorization header of an admin token named `name`, stored by `authenticateInjects` on first use. */
export function asUser(name: string = TEST_USER): { authorization: string } {
  return { authorization: `Bearer ${TEST_TOKEN_PREFIX}${name}` };
}

/** Test-only: stores the admin token `asUser(name)` sends, for a server a test reaches over HTTP. */
export async function storeTestToken(store: AuthStore, name: string = TEST_USER): Promise<void> {
  await store.ensureToken(`${TEST_TOKEN_PREFIX}${name}`, { name, roles: ['admin'], createdBy: 'test' });
}

/** Test-only: authentication on, with tokens in the test's database. */
export function testAuth(database: Pick<TestDatabase, 'db'>): { mode: 'on'; store: AuthStore } {
  return { mode: 'on', store: new AuthStore(database.db.pool) };
}

/**
 * Test-only: every `app.inject` sends an admin token, as a client holding one would: `asUser()`'s
 * unless the request names its own Authorization (an undefined one sends none). Test tokens are
 * stored through the real AuthStore before the request, so authentication runs for real.
 */
export function authenticateInjects(app: FastifyInstance, auth: AuthOptions): FastifyInstance {
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  const stored = new Set<string>();
  const injectWithToken = async (options: InjectOptions | string) => {
    const request = typeof options === 'string' ? { url: options } : options;
    const headers: Record<string, string> = { ...asUser() };
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = String(value);
    }
    const name = headers.authorization?.startsWith(`Bearer ${TEST_TOKEN_PREFIX}`) ? headers.authorization.slice(`Bearer ${TEST_TOKEN_PREFIX}`.length) : undefined;
    if (auth.mode === 'on' && name !== undefined && !stored.has(name)) {
      await storeTestToken(auth.store, name);
      stored.add(name);
    }
    return inject({ ...request, headers });
  };
  app.inject = injectWithToken as unknown as typeof app.inject;
  return app;
}

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
const unusedBus: MessageBus = { send: unused, sendAll: unused, inFlight: unused, close: async () => undefined };

/**
 * Test-only: the API on the test's database with pipelines stored for real; the engine's store and
 * queue are `unused` stand-ins unless `deps` gives them. Silent, with no readiness checks;
 * authentication on, every request sending an admin token (`authenticateInjects`).
 */
/**
 * Test-only: a test file's API (`buildTestServer`) over its own database, built before the file's
 * tests and closed after them; `server.app` and `server.database` are set by the time a test runs.
 */
export function useTestServer(): { app: FastifyInstance; database: TestDatabase } {
  const server = {} as { app: FastifyInstance; database: TestDatabase };
  beforeAll(async () => {
    server.database = await createTestDatabase();
    server.app = buildTestServer(server.database);
    await server.app.ready();
  });
  afterAll(async () => {
    await server.app?.close();
    await server.database?.drop();
  });
  return server;
}

export function buildTestServer(database: TestDatabase, deps: Partial<ServerDeps> = {}): FastifyInstance {
  const auth = deps.auth ?? testAuth(database);
  const app = buildServer({
    auth,
    pipelines: new PipelineRepository(database.db.prisma),
    canaryConfigs: new CanaryConfigRepository(database.db.pool),
    executions: unusedExecutions,
    commands: unusedCommands,
    bus: unusedBus,
    readiness: async () => [],
    logger: false,
    notifications: { pool: database.db.pool, slack: { users: {} } },
    drift: { pool: database.db.pool, watches: [] },
    chaosMonkey: { pool: database.db.pool },
    ...deps,
  });
  return authenticateInjects(app, auth);
}

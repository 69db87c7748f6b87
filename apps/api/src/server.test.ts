import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionCommands, ExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import type { ServerDeps } from './server';
import { buildTestServer, unused, unusedCommands, unusedExecutions } from './testSupport';

// Stand-ins for the engine: only the failure paths of this file ever call them.
const SECRET = 'password=hunter2 at db.internal:5432';
const executions: ExecutionRepository = {
  ...unusedExecutions,
  // A bug deep in the store: its message must not leak to clients.
  get: async () => {
    throw new Error(SECRET);
  },
};
const commands: ExecutionCommands = {
  ...unusedCommands,
  cancel: async (executionId) => ({ value: summary(executionId), messages: [{ type: 'CancelExecution', executionId }] }),
};
const brokenBus: MessageBus = {
  send: async () => {
    throw new Error('redis is down');
  },
  sendAll: async () => {
    throw new Error('redis is down');
  },
  inFlight: async () => {
    throw new Error('redis is down');
  },
  close: async () => undefined,
};

function summary(id: string) {
  return {
    id,
    pipelineId: id,
    pipelineVersion: 1,
    application: 'shop',
    name: 'deploy',
    status: 'CANCELED' as const,
    trigger: {},
    parameters: {},
    parentExecutionId: null,
    canceled: true,
    canceledBy: null,
    cancellationReason: null,
    pausedBy: null,
    pauseTime: null,
    buildTime: new Date(),
    startTime: null,
    endTime: null,
  };
}

let database: TestDatabase;
const servers: FastifyInstance[] = [];
const logged: unknown[][] = [];

async function server(overrides: Partial<ServerDeps> = {}): Promise<FastifyInstance> {
  const app = buildTestServer(database, {
    executions,
    commands,
    bus: brokenBus,
    readiness: async () => [{ name: 'postgresql', ok: true }],
    // Keep error logs in memory (and off the console) to prove unexpected errors are logged.
    logger: {
      level: 'error',
      hooks: {
        logMethod(args) {
          logged.push(args);
        },
      },
    },
    ...overrides,
  });
  servers.push(app);
  await app.ready();
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(servers.map((app) => app.close()));
  await database?.drop();
});

describe('health', () => {
  it('/healthz answers 200 ok without consulting dependencies', async () => {
    const app = await server({ readiness: unused });
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when every check is ok and 503 listing each check otherwise', async () => {
    const ready = await server({
      readiness: async () => [
        { name: 'postgresql', ok: true },
        { name: 'redis', ok: true },
      ],
    });
    const ok = await ready.inject({ method: 'GET', url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', checks: [{ name: 'postgresql', ok: true }, { name: 'redis', ok: true }] });

    const degraded = await server({
      readiness: async () => [
        { name: 'postgresql', ok: true },
        { name: 'redis', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' },
      ],
    });
    const notOk = await degraded.inject({ method: 'GET', url: '/readyz' });
    expect(notOk.statusCode).toBe(503);
    expect(notOk.json()).toEqual({
      status: 'unavailable',
      checks: [
        { name: 'postgresql', ok: true },
        { name: 'redis', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' },
      ],
    });
  });

  it('/readyz is 503 when the checks themselves throw', async () => {
    const app = await server({
      readiness: async () => {
        throw new Error('pool exhausted');
      },
    });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable', checks: [{ ok: false, error: 'pool exhausted' }] });
  });
});

describe('error shape', () => {
  it('an unknown route is 404 NOT_FOUND in the error shape', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'Route GET /api/v1/nothing-here not found', details: {} },
    });
  });

  it('a URL that does not decode (FST_ERR_BAD_URL) is 400 in the error shape', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/api/v1/executions/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: "'/api/v1/executions/%E0%A4%A' is not a valid url component", details: {} },
    });
  });

  it('an unexpected error is 500 INTERNAL with a generic message, no stack, and is logged', async () => {
    const app = await server();
    logged.length = 0;
    const response = await app.inject({ method: 'GET', url: '/api/v1/executions/00000000-0000-4000-8000-000000000001' });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body).toEqual({
      error: { code: 'INTERNAL', message: expect.any(String), details: { requestId: expect.any(String) } },
    });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.stringify(logged.map((args) => args[0]), (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, stack: value.stack } : value,
    )).toContain('hunter2');
  });

  it('a command whose messages cannot be sent is a 500, not a silent success', async () => {
    const app = await server();
    const response = await app.inject({ method: 'POST', url: '/api/v1/executions/00000000-0000-4000-8000-000000000001/cancel' });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL');
  });

  it('bodyLimitBytes sets the 413 limit', async () => {
    const app = await server({ bodyLimitBytes: 64 });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ application: 'shop', name: 'x'.repeat(100), stages: [] }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body is larger than the limit of 64 bytes',
        details: { limitBytes: 64 },
      },
    });
  });
});

describe('OpenAPI', () => {
  const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

  interface Operation {
    parameters?: { name: string; in: string; required?: boolean }[];
    requestBody?: { content: Record<string, { schema: unknown }> };
    responses?: Record<string, { description?: string }>;
  }
  interface Document {
    openapi: string;
    info: { title: string; version: string; description?: string };
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  }

  it('serves a valid OpenAPI 3.1 document describing every route at /docs/json', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<Document>();

    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    expect(document.info.description).toContain(`${1024 * 1024} bytes`);

    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, path, operation })),
    );
    expect(operations.map((o) => o.id)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/pipelines',
        'GET /api/v1/pipelines',
        'GET /api/v1/pipelines/{id}',
        'PUT /api/v1/pipelines/{id}',
        'DELETE /api/v1/pipelines/{id}',
        'GET /api/v1/pipelines/{id}/versions',
        'GET /api/v1/pipelines/{id}/versions/{version}',
        'POST /api/v1/pipelines/{id}/executions',
        'GET /api/v1/executions',
        'GET /api/v1/executions/{id}',
        'GET /api/v1/executions/{id}/events',
        'POST /api/v1/executions/{id}/cancel',
        'POST /api/v1/executions/{id}/pause',
        'POST /api/v1/executions/{id}/resume',
        'POST /api/v1/executions/{id}/stages/{stageId}/restart',
        'POST /api/v1/executions/{id}/stages/{stageId}/skip',
        'POST /api/v1/executions/{id}/stages/{stageId}/judgment',
        'PATCH /api/v1/executions/{id}/stages/{stageId}',
        'GET /api/v1/applications/{app}/clusters',
        'GET /api/v1/applications/{app}/clusters/{cluster}/serverGroups',
        'POST /api/v1/applications/{app}/clusters/{cluster}/rollback',
        'POST /api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/enable',
        'POST /api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/disable',
        'POST /api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/resize',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    // The documentation's own routes are not part of the API.
    expect(operations.some((o) => o.path.startsWith('/docs'))).toBe(false);

    for (const { id, path, operation } of operations) {
      const responses = Object.entries(operation.responses ?? {});
      expect(responses.length, id).toBeGreaterThan(0);
      for (const [status, answer] of responses) {
        expect(status, id).toMatch(/^([1-5]\d\d|default)$/);
        expect(typeof answer.description, `${id} ${status}`).toBe('string');
      }
      // Every templated segment is a declared, required path parameter.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
        expect(parameter?.required, `${id} {${name}}`).toBe(true);
      }
    }

    // Every $ref points at a component that exists.
    const refs = [...response.body.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components?.schemas?.[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }

    const create = document.paths['/api/v1/pipelines']?.post;
    const body = create?.requestBody?.content['application/json']?.schema as { properties?: Record<string, unknown> };
    expect(Object.keys(body.properties ?? {})).toEqual(expect.arrayContaining(['application', 'name', 'stages']));
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '409', '413', '415']));
    expect(Object.keys(document.paths['/api/v1/pipelines/{id}']?.delete?.responses ?? {})).toContain('204');
  });

  it('serves the UI at /docs', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});

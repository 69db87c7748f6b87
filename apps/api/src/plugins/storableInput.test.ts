import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer, injectJson } from '../testSupport';
import { MAX_NESTING_DEPTH } from '../validation/storableText';

let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = buildTestServer(database, { triggers: { pool: database.db.pool } });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const wait = { refId: 'a', type: 'wait', waitTime: 1 };

async function refusal(method: 'GET' | 'POST', url: string, body?: unknown) {
  const response = await injectJson(app, method, url, body);
  expect(response.statusCode, response.body).toBe(400);
  const error = response.json<{ error: { code: string; details: { issues: { pathString: string; message: string }[] } } }>().error;
  expect(error.code).toBe('VALIDATION');
  return error.details.issues.map((issue) => `${issue.pathString}: ${issue.message}`);
}

describe('text PostgreSQL cannot store', () => {
  it('refuses a NUL or a lone surrogate anywhere in a JSON body with a 400 naming the field, and stores nothing', async () => {
    expect(await refusal('POST', '/api/v1/pipelines', { application: 'shop', name: 'a\u0000b', stages: [wait] })).toEqual([
      'name: contains a NUL character (\\u0000), which cannot be stored',
    ]);
    const surrogate = '{"application":"shop","name":"x","stages":[{"refId":"a","type":"wait","waitTime":1,"note":"\\ud800"}]}';
    expect(await refusal('POST', '/api/v1/pipelines', surrogate)).toEqual([
      'stages.0.note: contains a lone UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode text',
    ]);
    expect(await refusal('POST', '/api/v1/pipelines', { application: 'shop', name: 'x', stages: [wait], ['k\u0000']: 1 })).toEqual([
      'k\u0000: the key contains a NUL character (\\u0000), which cannot be stored',
    ]);
    const listed = await injectJson(app, 'GET', '/api/v1/pipelines?application=shop');
    expect(listed.json<{ pipelines: unknown[] }>().pipelines).toEqual([]);
  });

  it('refuses them in query strings and path parameters', async () => {
    expect(await refusal('GET', '/api/v1/pipelines?application=%00')).toEqual(['query.application: contains a NUL character (\\u0000), which cannot be stored']);
    expect(await refusal('GET', '/api/v1/executions?application=%00')).toEqual(['query.application: contains a NUL character (\\u0000), which cannot be stored']);
    expect(await refusal('GET', '/api/v1/applications/a%00b/clusters')).toEqual(['params.app: contains a NUL character (\\u0000), which cannot be stored']);
  });

  it(`refuses a body nested more than ${MAX_NESTING_DEPTH} levels deep`, async () => {
    const deep = (depth: number) => `{"application":"shop","name":"x","stages":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    const issues = await refusal('POST', '/api/v1/pipelines', deep(100));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^stages\.0(\.0)+: nested more than 64 levels deep$/);
    // Deeper than the JSON parser itself goes: still a client error.
    expect((await injectJson(app, 'POST', '/api/v1/pipelines', deep(100_000))).statusCode).toBe(400);
  });

  it('refuses a NUL in a webhook payload, after reading its bytes', async () => {
    expect(await refusal('POST', '/api/v1/webhooks/anything', { ref: 'x\u0000' })).toEqual(['ref: contains a NUL character (\\u0000), which cannot be stored']);
  });
});

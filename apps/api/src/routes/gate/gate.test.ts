import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/testDatabase';
import { TEST_USER, buildTestServer } from '../../testSupport';

const silentBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };
const SECRET = 'gate-compat-secret';

describe("Spinnaker Gate's paths keep scripts and Jenkins jobs working", () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let executions: PostgresExecutionRepository;
  let pipelineId: string;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    database = await createTestDatabase();
    executions = new PostgresExecutionRepository(database.db.pool);
    app = buildTestServer(database, { executions, bus: silentBus, triggers: { pool: database.db.pool } });
    const saved = await app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: json,
      payload: JSON.stringify({
        application: 'shop',
        name: 'Deploy to prod',
        parameters: [{ name: 'tag', required: true }],
        triggers: [{ type: 'git', source: 'github', project: 'binkkatal', slug: 'sample_app', secret: SECRET }],
        stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
      }),
    });
    expect(saved.statusCode, saved.body).toBe(201);
    pipelineId = saved.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('POST /pipelines/{application}/{pipelineName} with Gate’s trigger body answers {ref}', async () => {
    const started = await app.inject({
      method: 'POST',
      url: `/pipelines/shop/${encodeURIComponent('Deploy to prod')}`,
      headers: json,
      payload: JSON.stringify({ type: 'manual', user: 'someone-else', userRoles: ['forged'], parameters: { tag: '1.4.2' }, dryRun: false }),
    });
    expect(started.statusCode, started.body).toBe(202);
    const { ref } = started.json<{ ref: string }>();
    expect(ref).toMatch(/^\/pipelines\/[0-9a-f-]{36}$/);
    const execution = await executions.get(ref.slice('/pipelines/'.length));
    expect(execution).toMatchObject({ pipelineId, parameters: { tag: '1.4.2' }, trigger: { type: 'manual', user: TEST_USER, userRoles: ['admin'], dryRun: false } });
    const missing = await app.inject({ method: 'POST', url: '/pipelines/shop/nope', headers: json, payload: '{}' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { message: 'no pipeline "nope" in application shop' } });
    const noTag = await app.inject({ method: 'POST', url: `/pipelines/shop/${encodeURIComponent('Deploy to prod')}`, headers: json, payload: '{}' });
    expect(noTag.statusCode).toBe(400);
  });

  it('GET /applications/{application}/pipelineConfigs lists the saved pipelines, secrets redacted', async () => {
    const configs = await app.inject({ method: 'GET', url: '/applications/shop/pipelineConfigs' });
    expect(configs.statusCode).toBe(200);
    expect(configs.json()).toEqual([
      expect.objectContaining({ id: pipelineId, application: 'shop', name: 'Deploy to prod', index: 0, triggers: [expect.objectContaining({ type: 'git', secret: '**redacted**' })] }),
    ]);
  });

  it('POST /webhooks/git/github at the root, as a GitHub hook configured for Gate posts', async () => {
    const body = readFileSync(new URL('../../../../../test/fixtures/webhooks/github-push.json', import.meta.url));
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const answer = await app.inject({
      method: 'POST',
      url: '/webhooks/git/github?explain=true',
      headers: { ...json, authorization: undefined as unknown as string, 'x-github-event': 'push', 'x-hub-signature-256': signature },
      payload: body,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    // The pipeline needs a tag the push does not supply: a near miss, recorded with why.
    expect(answer.json()).toMatchObject({ decisions: [{ pipelineName: 'Deploy to prod', outcome: 'skipped', reason: expect.stringContaining('tag') }] });
  });
});

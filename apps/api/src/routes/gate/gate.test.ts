import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, IdempotencyKeys, PostgresExecutionCommands, PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/testDatabase';
import { TEST_USER, buildTestServer } from '../../testSupport';
import { GATE_API_VERSION } from '.';

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

/**
 * Gate's paths as spin calls them (request shapes from spinnaker/spin's cmd/pipeline/execute.go,
 * get.go, list.go and cmd/gateclient/client.go): the same authentication, permissions and
 * idempotency as the native routes, with tokens that hold less than admin.
 */
describe("Gate's paths for spin, with the native routes' permissions", () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let executions: PostgresExecutionRepository;
  let pipelineId: string;
  const tokens = { admin: '', reader: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = database.db.pool;
    const store = new AuthStore(pool);
    executions = new PostgresExecutionRepository(pool);
    app = buildTestServer(database, {
      auth: { mode: 'on', store },
      executions,
      commands: new PostgresExecutionCommands(pool),
      bus: silentBus,
      triggers: { pool },
      idempotencyKeys: new IdempotencyKeys(pool),
    });
    await app.ready();
    tokens.admin = (await store.createToken({ name: 'jenkins', roles: ['admin'], createdBy: 'test' })).token;
    tokens.reader = (await store.createToken({ name: 'viewer', roles: ['viewers'], createdBy: 'test' })).token;
    await store.setRoleGrants('viewers', [{ kind: 'application', name: 'app', actions: ['READ'] }], 'test');
    const saved = await post('/api/v1/pipelines', {
      application: 'app',
      name: 'one',
      parameters: [{ name: 'foo', default: 'bar' }],
      triggers: [{ type: 'webhook', source: 'ci-builds' }],
      stages: [
        { refId: '1', type: 'wait', waitTime: 30 },
        { refId: '2', type: 'webhook', url: 'https://hooks.example.com/x', method: 'POST', customHeaders: { Authorization: 'Bearer hunter2' }, requisiteStageRefIds: ['1'] },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(201);
    pipelineId = saved.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  // `null`: no Authorization header at all.
  function post(url: string, body: unknown, token: string | null = tokens.admin, headers: Record<string, string> = {}) {
    return app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: token === null ? undefined : `Bearer ${token}`, ...headers },
      payload: JSON.stringify(body),
    });
  }
  const get = (url: string, token = tokens.admin) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('GET /version answers, as spin requires before every command, to a signed-in caller', async () => {
    const version = await get('/version', tokens.reader);
    expect(version.statusCode).toBe(200);
    expect(version.json()).toEqual({ version: GATE_API_VERSION });
    expect((await app.inject({ method: 'GET', url: '/version', headers: { authorization: undefined } })).statusCode).toBe(401);
  });

  it('POST /pipelines/{application}/{pipelineName} starts the pipeline and answers 202 {ref}, the caller recorded whatever the body says', async () => {
    // spin pipeline execute -a app -n one -p foo=baz -t artifacts.json
    const artifact = { type: 'docker/image', name: 'gcr.io/acme/app', reference: 'gcr.io/acme/app:1.2.3', version: '1.2.3' };
    const answer = await post('/pipelines/app/one', { type: 'manual', user: 'someone-else', parameters: { foo: 'baz' }, artifacts: [artifact] });
    expect(answer.statusCode, answer.body).toBe(202);
    const { ref } = answer.json<{ ref: string }>();
    expect(ref).toMatch(/^\/pipelines\/[0-9a-f-]{36}$/);
    const execution = await executions.get(ref.slice('/pipelines/'.length));
    expect(execution).toMatchObject({ pipelineId, application: 'app', parameters: { foo: 'baz' } });
    expect(execution.trigger).toMatchObject({ type: 'manual', user: 'jenkins', artifacts: [artifact] });

    // By id as well as by name, and the application case-blind as in Spinnaker; no body at all is a plain manual run.
    const byId = await app.inject({ method: 'POST', url: `/pipelines/App/${pipelineId}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(byId.statusCode, byId.body).toBe(202);
    expect((await executions.get(byId.json<{ ref: string }>().ref.slice(11))).parameters).toMatchObject({ foo: 'bar' });
  });

  it('repeats nothing for a repeated Idempotency-Key, and refuses what the native trigger refuses', async () => {
    const first = await post('/pipelines/app/one', { type: 'manual' }, tokens.admin, { 'idempotency-key': 'build-42' });
    const again = await post('/pipelines/app/one', { type: 'manual' }, tokens.admin, { 'idempotency-key': 'build-42' });
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');

    expect((await post('/pipelines/app/one', { type: 'manual' }, null)).statusCode).toBe(401);
    const reader = await post('/pipelines/app/one', { type: 'manual' }, tokens.reader);
    expect(reader.statusCode).toBe(403);
    expect(reader.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { missing: ['EXECUTE on application app'] } } });
    const missing = await post('/pipelines/app/two', { type: 'manual' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'no pipeline "two" in application app' } });
    const badParameters = await post('/pipelines/app/one', { parameters: 'foo=bar' });
    expect(badParameters.statusCode).toBe(400);
    expect(badParameters.json<{ error: { message: string } }>().error.message).toMatch(/parameters/);
  });

  it('GET /applications/{application}/pipelineConfigs[/{name}] answers in Gate\'s shape, secrets redacted', async () => {
    // spin pipeline list -a app / spin pipeline get -a app -n one
    const list = await get('/applications/app/pipelineConfigs', tokens.reader);
    expect(list.statusCode, list.body).toBe(200);
    const [config] = list.json<Record<string, unknown>[]>();
    expect(config).toMatchObject({ id: pipelineId, application: 'app', name: 'one', index: 0, updateTs: expect.stringMatching(/^\d+$/), triggers: [{ type: 'webhook', source: 'ci-builds' }] });
    expect(JSON.stringify(config)).not.toContain('hunter2');
    const one = await get('/applications/app/pipelineConfigs/one', tokens.reader);
    expect(one.json()).toEqual(config);
    expect((await get('/applications/other/pipelineConfigs', tokens.reader)).statusCode).toBe(403);
    expect((await get('/applications/app/pipelineConfigs/nope')).statusCode).toBe(404);
  });

  it('POST /webhooks/webhook/{source} is the webhook trigger endpoint, with its sender rules', async () => {
    const answer = await post('/webhooks/webhook/ci-builds', { artifact: 'app-1.2.3.tgz' });
    expect(answer.statusCode, answer.body).toBe(202);
    const [started] = answer.json<{ executions: { id: string; pipelineId: string }[] }>().executions;
    expect(started?.pipelineId).toBe(pipelineId);
    expect((await executions.get(started!.id)).trigger).toMatchObject({ type: 'webhook', source: 'ci-builds', payload: { artifact: 'app-1.2.3.tgz' } });
    // No token, no signature, source not open: refused as at /api/v1/webhooks/{source}.
    expect((await post('/webhooks/webhook/ci-builds', {}, null)).statusCode).toBe(401);
    expect((await post('/webhooks/webhook/ci-builds', {}, tokens.reader)).statusCode).toBe(403);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideForPipeline, matchWebhookTrigger } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, selectTriggerCandidates } from '@gantry/store';
import { apiStores } from '../../../../test/support/gantryHarness';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';

const definition = (name: string, trigger: Record<string, unknown>) => ({
  application: 'shop',
  name,
  triggers: [{ type: 'webhook', source: `src-${name}`, ...trigger }],
  stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
});

describe('automatic triggers run as a service account (runAsUser) or as who saved the pipeline', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;

  const save = (token: string, body: unknown) =>
    app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const runAsOfSource = async (source: string) => {
    const delivery = { source, payload: {}, user: `webhook:${source}`, deliveryId: undefined, verifiedSecrets: new Set<string>() };
    const [candidate] = await selectTriggerCandidates(database.db.pool, { type: 'webhook', source });
    const decision = decideForPipeline(candidate!, 'webhook', (trigger) => matchWebhookTrigger(trigger, delivery));
    return decision?.decision === 'launch' ? decision.trigger.runAsUser : undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    app = buildTestServer(database, { auth: { mode: 'on', store } });
    await store.setRoleGrants('shop-dev', [{ kind: 'application', name: 'shop', actions: ['WRITE'] }], 'test');
    await app.inject({ method: 'PUT', url: '/api/v1/serviceAccounts/shop-deployer', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ roles: ['shop-ops'] }) });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('refuses to name a service account whose roles the saver lacks (403), or one that does not exist (400)', async () => {
    const { token } = await store.createToken({ name: 'dev', roles: ['shop-dev'], createdBy: 'test' });
    const refused = await save(token, definition('a', { runAsUser: 'shop-deployer' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'dev may not make triggers run as shop-deployer: it lacks role shop-ops' } });
    const unknown = await save(token, definition('b', { runAsUser: 'nobody' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { details: { issues: [{ path: ['triggers', 0, 'runAsUser'] }] } } });
  });

  it('a saver holding the roles may name it, and the trigger runs as it', async () => {
    const { token } = await store.createToken({ name: 'lead', roles: ['shop-dev', 'shop-ops'], createdBy: 'test' });
    expect((await save(token, definition('c', { runAsUser: 'shop-deployer' }))).statusCode).toBe(201);
    expect(await runAsOfSource('src-c')).toBe('shop-deployer');
  });

  it('a trigger without runAsUser is never refused, and runs as who last saved the pipeline', async () => {
    const { token } = await store.createToken({ name: 'dev-2', roles: ['shop-dev'], createdBy: 'test' });
    expect((await save(token, definition('d', {}))).statusCode).toBe(201);
    expect(await runAsOfSource('src-d')).toBe('dev-2');
  });
});

describe('a service account acting on behalf of someone (X-Gantry-On-Behalf-Of)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;
  let botToken: string;

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const forAna = { 'x-gantry-on-behalf-of': 'ana@example.com' };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    // Executions stored for real; no worker runs them, so the engine's messages go nowhere.
    const noEngine: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };
    app = buildTestServer(database, { auth: { mode: 'on', store }, ...apiStores(database, noEngine) });
    await store.setRoleGrants('shop-ops', [{ kind: 'application', name: 'shop', actions: ['WRITE', 'EXECUTE'] }], 'test');
    expect((await app.inject({ method: 'PUT', url: '/api/v1/serviceAccounts/ci-bot', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ roles: ['shop-ops'] }) })).statusCode).toBe(200);
    const created = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'ci-bot-token', serviceAccount: 'ci-bot' }) });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ serviceAccount: 'ci-bot', roles: [] });
    botToken = created.json<{ token: string }>().token;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("a token made for a service account is that account, with the account's roles; it may say for whom it acts", async () => {
    const me = await call('GET', '/api/v1/me', botToken, undefined, forAna);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ name: 'ci-bot', via: 'service-account', roles: ['shop-ops'], onBehalfOf: 'ana@example.com', admin: false });
  });

  it('the trigger and the audit log record the service account as the actor and the person beside it; a body cannot claim either', async () => {
    const saved = await call('POST', '/api/v1/pipelines', botToken, { application: 'shop', name: 'obo', stages: [{ refId: 'w', type: 'wait', waitTime: 60 }] }, forAna);
    expect(saved.statusCode, saved.body).toBe(201);
    const pipelineId = saved.json<{ id: string }>().id;
    const started = await call('POST', `/api/v1/pipelines/${pipelineId}/executions`, botToken, { trigger: { user: 'root', userRoles: ['admin'], onBehalfOf: 'someone-else', runAsUser: 'x' } }, forAna);
    expect(started.statusCode, started.body).toBe(202);
    const executionId = started.json<{ id: string }>().id;
    const execution = await call('GET', `/api/v1/executions/${executionId}`, botToken);
    expect(execution.json<{ trigger: Record<string, unknown> }>().trigger).toEqual({ type: 'manual', user: 'ci-bot', userRoles: ['shop-ops'], onBehalfOf: 'ana@example.com' });
    expect((await call('POST', `/api/v1/executions/${executionId}/cancel`, botToken, { reason: 'asked to' }, forAna)).statusCode).toBe(202);

    const { rows } = await database.db.pool.query<{ type: string; actor: string; data: Record<string, unknown> }>(
      'SELECT type, actor, data FROM audit_events WHERE pipeline_id = $1 OR execution_id = $2 ORDER BY id',
      [pipelineId, executionId],
    );
    const byType = Object.fromEntries(rows.map((row) => [row.type, row]));
    expect(byType.PIPELINE_SAVED).toMatchObject({ actor: 'ci-bot', data: { onBehalfOf: 'ana@example.com' } });
    expect(byType.EXECUTION_CREATED).toMatchObject({ actor: 'ci-bot', data: { trigger: { user: 'ci-bot', onBehalfOf: 'ana@example.com' } } });
    expect(byType.EXECUTION_CANCELED).toMatchObject({ actor: 'ci-bot', data: { onBehalfOf: 'ana@example.com', reason: 'asked to' } });
  });

  it('anyone but a service account sending the header is refused (403), and it never adds a permission', async () => {
    const { token } = await store.createToken({ name: 'person', roles: ['shop-ops'], createdBy: 'test' });
    const refused = await call('GET', '/api/v1/me', token, undefined, forAna);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'person is not a service account: only a service account\'s token may send X-Gantry-On-Behalf-Of' } });
    // Acting for an admin grants nothing: the service account's own roles decide.
    const other = await call('POST', '/api/v1/pipelines', botToken, { application: 'billing', name: 'x', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] }, { 'x-gantry-on-behalf-of': 'admin' });
    expect(other.statusCode).toBe(403);
    const bad = await call('GET', '/api/v1/me', botToken, undefined, { 'x-gantry-on-behalf-of': ' ' });
    expect(bad.statusCode).toBe(400);
  });

  it("the account's roles are read at each use: a change applies at once, and deleting the account ends its tokens", async () => {
    await app.inject({ method: 'PUT', url: '/api/v1/serviceAccounts/ci-bot', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ roles: ['shop-ops', 'readers'] }) });
    expect((await call('GET', '/api/v1/me', botToken)).json()).toMatchObject({ roles: ['shop-ops', 'readers'] });
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/serviceAccounts/ci-bot' })).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me', botToken)).statusCode).toBe(401);
  });

  it('refuses a token for an unknown service account, or one with roles of its own (400 naming the field)', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 't', serviceAccount: 'ghost' }) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { details: { issues: [{ path: ['serviceAccount'] }] } } });
    const both = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 't', serviceAccount: 'ghost', roles: ['admin'] }) });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ error: { details: { issues: [{ path: ['roles'] }] } } });
  });
});

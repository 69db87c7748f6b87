import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';

const MASTER_TOKEN = 'jenkins-ci-token-0123456789';
const notification = JSON.stringify({
  name: 'checkout/checkout-build',
  url: 'job/checkout/job/checkout-build/',
  build: { number: 7, phase: 'COMPLETED', status: 'SUCCESS', url: 'job/checkout/job/checkout-build/7/', full_url: 'https://jenkins.example.com/job/checkout/job/checkout-build/7/' },
});
const silentBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };

describe('webhook endpoints authenticate the sender', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;

  const post = (url: string, headers: Record<string, string> = {}, payload = notification) =>
    app.inject({ method: 'POST', url, headers: { authorization: undefined as unknown as string, 'content-type': 'application/json', ...headers }, payload });

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    const pool = database.db.pool;
    app = buildTestServer(database, {
      auth: { mode: 'on', store },
      executions: new PostgresExecutionRepository(pool),
      bus: silentBus,
      triggers: { pool, secrets: { 'jenkins-ci': MASTER_TOKEN }, openSources: ['jenkins:ci-open', 'public-feed'] },
    });
    for (const master of ['ci', 'ci-open']) {
      const saved = await app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ application: 'shop', name: `on-${master}`, triggers: [{ type: 'jenkins', master, job: 'checkout/checkout-build' }], stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] }),
      });
      expect(saved.statusCode, saved.body).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('Jenkins: the master token in X-Gantry-Token or ?token=, else 401', async () => {
    const refused = await post('/api/v1/webhooks/jenkins?master=ci');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('the secret jenkins-ci') } });
    expect((await post('/api/v1/webhooks/jenkins?master=ci', { 'x-gantry-token': 'wrong' })).statusCode).toBe(401);
    const started = await post('/api/v1/webhooks/jenkins?master=ci', { 'x-gantry-token': MASTER_TOKEN });
    expect(started.statusCode, started.body).toBe(202);
    expect((await post(`/api/v1/webhooks/jenkins?master=ci&token=${MASTER_TOKEN}`)).statusCode).toBe(200);
    // A master with no token configured is refused, unless configured open.
    expect((await post('/api/v1/webhooks/jenkins?master=elsewhere')).statusCode).toBe(401);
    expect((await post('/api/v1/webhooks/jenkins?master=ci-open')).statusCode).toBe(202);
  });

  it('an API token is accepted when it may EXECUTE what the delivery starts: 403 otherwise', async () => {
    await store.setRoleGrants('billing', [{ kind: 'application', name: 'billing', actions: ['EXECUTE'] }], 'test');
    await store.setRoleGrants('shop-ops', [{ kind: 'application', name: 'shop', actions: ['EXECUTE'] }], 'test');
    const billing = (await store.createToken({ name: 'billing-ci', roles: ['billing'], createdBy: 'test' })).token;
    const shop = (await store.createToken({ name: 'shop-ci', roles: ['shop-ops'], createdBy: 'test' })).token;
    const forbidden = await post('/api/v1/webhooks/jenkins?master=ci', { authorization: `Bearer ${billing}` }, notification.replace('"number":7', '"number":8'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { message: 'billing-ci lacks EXECUTE on application shop' } });
    const allowed = await post('/api/v1/webhooks/jenkins?master=ci', { authorization: `Bearer ${shop}` }, notification.replace('"number":7', '"number":8'));
    expect(allowed.statusCode, allowed.body).toBe(202);
  });

  it('a generic source without a secret is refused unless open', async () => {
    const refused = await post('/api/v1/webhooks/private-feed', {}, '{}');
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/GANTRY_WEBHOOK_OPEN_SOURCES/);
    expect((await post('/api/v1/webhooks/public-feed', {}, '{}')).statusCode).toBe(200);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideForPipeline, matchWebhookTrigger } from '@gantry/core';
import { AuthStore, selectTriggerCandidates } from '@gantry/store';
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

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';

/** The pipeline of issue 14: a deploy on the `local` account whose command is a shell. */
const PROOF = {
  application: 'shop',
  name: 'proof',
  stages: [
    {
      refId: 'deploy',
      type: 'deploy',
      cluster: {
        account: 'local',
        application: 'shop',
        stack: 'web',
        strategy: 'highlander',
        image: 'anything',
        capacity: { min: 1, max: 1, desired: 1 },
        settings: { command: '/bin/sh', args: ['-c', 'id > /tmp/proof'] },
      },
    },
  ],
};

describe('triggering a command-running pipeline needs EXECUTE on its application and on its account', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;
  let pipelineId: string;
  const sent: unknown[] = [];
  const bus: MessageBus = {
    send: async (message) => void sent.push(message),
    sendAll: async (messages) => void sent.push(...messages),
    inFlight: async () => [],
    close: async () => undefined,
  };

  const trigger = (token?: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/pipelines/${pipelineId}/executions`,
      headers: { 'content-type': 'application/json', authorization: token === undefined ? undefined : `Bearer ${token}` },
      payload: JSON.stringify({ trigger: { user: 'root' } }),
    });
  const executionCount = async () => Number((await database.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM executions')).rows[0]?.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    app = buildTestServer(database, { auth: { mode: 'on', store }, executions: new PostgresExecutionRepository(database.db.pool), bus });
    const saved = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(PROOF) });
    expect(saved.statusCode, saved.body).toBe(201);
    pipelineId = saved.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('without credentials: 401, and nothing is started', async () => {
    const response = await trigger();
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await executionCount()).toBe(0);
    expect(sent).toEqual([]);
  });

  it('with a token for another application: 403 naming the permission, nothing started', async () => {
    await store.setRoleGrants('billing-team', [{ kind: 'application', name: 'billing', actions: ['READ', 'WRITE', 'EXECUTE'] }, { kind: 'account', name: 'local', actions: ['EXECUTE'] }], 'test');
    const { token } = await store.createToken({ name: 'billing-ci', roles: ['billing-team'], createdBy: 'test' });
    const response = await trigger(token);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'billing-ci lacks EXECUTE on application shop' } });
    expect(await executionCount()).toBe(0);
  });

  it('with EXECUTE on the application but not on the local account: 403 naming the account', async () => {
    await store.setRoleGrants('shop-dev', [{ kind: 'application', name: 'shop', actions: ['EXECUTE'] }], 'test');
    const { token } = await store.createToken({ name: 'shop-dev-1', roles: ['shop-dev'], createdBy: 'test' });
    const response = await trigger(token);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { message: 'shop-dev-1 lacks EXECUTE on account local', details: { missing: ['EXECUTE on account local'] } } });
    expect(await executionCount()).toBe(0);
  });

  it('with both: started, recorded as the token owner whatever the body claims', async () => {
    await store.setRoleGrants('shop-ops', [{ kind: 'application', name: 'shop', actions: ['EXECUTE'] }, { kind: 'account', name: 'local', actions: ['EXECUTE'] }], 'test');
    const { token } = await store.createToken({ name: 'shop-ops-1', roles: ['shop-ops'], createdBy: 'test' });
    const response = await trigger(token);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ trigger: { type: 'manual', user: 'shop-ops-1' } });
    expect(await executionCount()).toBe(1);
  });
});

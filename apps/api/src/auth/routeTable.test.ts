import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, ExecutionChanges, PostgresExecutionCommands, PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';

/**
 * Every route the server registers × {no token, a token without the permission, a token with it}
 * → 401 / 403 / success, walked from the server's own route table: a route added without a row in
 * ROUTE_CASES fails here, and one without an access declaration fails registration.
 */
const silentBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };

interface Fixture {
  pipelineId: string;
  doomedPipelineId: string;
  executionId: string;
  stageId: string;
  tokenId: string;
  canaryConfigId: string;
  doomedCanaryConfigId: string;
}

interface RouteCase {
  request: (f: Fixture) => { url: string; body?: unknown };
  /** What the caller needs: grants of a role, the admin role, any token, or nothing. */
  needs: Omit<Grant, 'role'>[] | 'admin' | 'signedIn' | 'open' | 'sender';
  /** Statuses that mean "let through" for this request (the handler's own answers). */
  ok: number[];
  /** The answer is an endless event stream: its status is read, then the test hangs up. */
  stream?: true;
}

const SHOP = 'shop';
const read = [{ kind: 'application', name: SHOP, actions: ['READ'] }] as const satisfies Omit<Grant, 'role'>[];
const write = [{ kind: 'application', name: SHOP, actions: ['WRITE'] }] as const satisfies Omit<Grant, 'role'>[];
const execute = [{ kind: 'application', name: SHOP, actions: ['EXECUTE'] }] as const satisfies Omit<Grant, 'role'>[];
const pipelineBody = (name: string) => ({ application: SHOP, name, stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] });
const canaryConfigBody = (name: string) => ({
  name,
  applications: [SHOP],
  judge: { name: 'NetflixACAJudge-v1.0' },
  metrics: [{ name: 'cpu', query: { type: 'prometheus', metricName: 'cpu' }, groups: ['system'], analysisConfigurations: { canary: { direction: 'increase' } } }],
  classifier: { groupWeights: { system: 100 } },
});

/** One row per METHOD + URL pattern the server registers (HEAD routes follow their GET). */
export const ROUTE_CASES: Record<string, RouteCase> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), needs: 'open', ok: [200] },
  'GET /readyz': { request: () => ({ url: '/readyz' }), needs: 'open', ok: [503] },
  'GET /metrics': { request: () => ({ url: '/metrics' }), needs: 'signedIn', ok: [200] },
  'GET /api/v1/me': { request: () => ({ url: '/api/v1/me' }), needs: 'signedIn', ok: [200] },
  'POST /api/v1/tokens': { request: () => ({ url: '/api/v1/tokens', body: { name: 'ci', roles: ['deployers'] } }), needs: 'admin', ok: [201] },
  'GET /api/v1/tokens': { request: () => ({ url: '/api/v1/tokens' }), needs: 'admin', ok: [200] },
  'DELETE /api/v1/tokens/:id': { request: (f) => ({ url: `/api/v1/tokens/${f.tokenId}` }), needs: 'admin', ok: [200] },
  'GET /api/v1/roles': { request: () => ({ url: '/api/v1/roles' }), needs: 'admin', ok: [200] },
  'PUT /api/v1/roles/:role': { request: () => ({ url: '/api/v1/roles/viewers', body: { grants: [...read] } }), needs: 'admin', ok: [200] },
  'GET /api/v1/serviceAccounts': { request: () => ({ url: '/api/v1/serviceAccounts' }), needs: 'admin', ok: [200] },
  'PUT /api/v1/serviceAccounts/:name': { request: () => ({ url: '/api/v1/serviceAccounts/ci-bot', body: { roles: ['deployers'] } }), needs: 'admin', ok: [200] },
  'DELETE /api/v1/serviceAccounts/:name': { request: () => ({ url: '/api/v1/serviceAccounts/ci-bot' }), needs: 'admin', ok: [204, 404] },
  'POST /auth/session': { request: () => ({ url: '/auth/session', body: { token: 'gantry_unknown' } }), needs: 'open', ok: [401] },
  'DELETE /auth/session': { request: () => ({ url: '/auth/session' }), needs: 'open', ok: [204] },
  'POST /api/v1/pipelines': { request: () => ({ url: '/api/v1/pipelines', body: pipelineBody(`new-${Math.random()}`) }), needs: write, ok: [201] },
  'POST /api/v1/pipelines/validate': { request: () => ({ url: '/api/v1/pipelines/validate', body: pipelineBody('checked') }), needs: write, ok: [200] },
  'PUT /api/v1/pipelines/:id': { request: (f) => ({ url: `/api/v1/pipelines/${f.pipelineId}`, body: pipelineBody('main') }), needs: write, ok: [200] },
  'GET /api/v1/pipelines': { request: () => ({ url: '/api/v1/pipelines' }), needs: 'signedIn', ok: [200] },
  'GET /api/v1/pipelines/:id': { request: (f) => ({ url: `/api/v1/pipelines/${f.pipelineId}` }), needs: read, ok: [200] },
  'GET /api/v1/pipelines/:id/versions': { request: (f) => ({ url: `/api/v1/pipelines/${f.pipelineId}/versions` }), needs: read, ok: [200] },
  'GET /api/v1/pipelines/:id/versions/:version': { request: (f) => ({ url: `/api/v1/pipelines/${f.pipelineId}/versions/1` }), needs: read, ok: [200] },
  'DELETE /api/v1/pipelines/:id': { request: (f) => ({ url: `/api/v1/pipelines/${f.doomedPipelineId}` }), needs: write, ok: [204] },
  'POST /api/v1/pipelines/:id/executions': { request: (f) => ({ url: `/api/v1/pipelines/${f.pipelineId}/executions`, body: {} }), needs: execute, ok: [202] },
  'POST /api/v1/canaryConfigs': { request: () => ({ url: '/api/v1/canaryConfigs', body: canaryConfigBody(`new-${Math.random()}`) }), needs: write, ok: [201] },
  'PUT /api/v1/canaryConfigs/:id': { request: (f) => ({ url: `/api/v1/canaryConfigs/${f.canaryConfigId}`, body: canaryConfigBody('main') }), needs: write, ok: [200] },
  'GET /api/v1/canaryConfigs': { request: () => ({ url: '/api/v1/canaryConfigs' }), needs: 'signedIn', ok: [200] },
  'GET /api/v1/canaryConfigs/:id': { request: (f) => ({ url: `/api/v1/canaryConfigs/${f.canaryConfigId}` }), needs: read, ok: [200] },
  'GET /api/v1/canaryConfigs/:id/versions': { request: (f) => ({ url: `/api/v1/canaryConfigs/${f.canaryConfigId}/versions` }), needs: read, ok: [200] },
  'GET /api/v1/canaryConfigs/:id/versions/:version': { request: (f) => ({ url: `/api/v1/canaryConfigs/${f.canaryConfigId}/versions/1` }), needs: read, ok: [200] },
  'GET /api/v1/drift': { request: () => ({ url: '/api/v1/drift' }), needs: 'signedIn', ok: [200] },
  'POST /api/v1/drift/check': { request: () => ({ url: '/api/v1/drift/check', body: { watch: 'shop-web' } }), needs: execute, ok: [202] },
  'GET /api/v1/pipelineRepositories': { request: () => ({ url: '/api/v1/pipelineRepositories' }), needs: 'signedIn', ok: [200] },
  'GET /api/v1/pipelineRepositories/:repository/syncs': { request: () => ({ url: '/api/v1/pipelineRepositories/none/syncs' }), needs: 'signedIn', ok: [404] },
  'POST /api/v1/pipelineRepositories/:repository/sync': { request: () => ({ url: '/api/v1/pipelineRepositories/none/sync', body: {} }), needs: 'admin', ok: [404] },
  'POST /api/v1/webhooks/pipelines/:repository': { request: () => ({ url: '/api/v1/webhooks/pipelines/none', body: {} }), needs: 'sender', ok: [404] },
  'DELETE /api/v1/canaryConfigs/:id': { request: (f) => ({ url: `/api/v1/canaryConfigs/${f.doomedCanaryConfigId}` }), needs: write, ok: [204] },
  'GET /api/v1/executions': { request: () => ({ url: '/api/v1/executions' }), needs: 'signedIn', ok: [200] },
  'GET /api/v1/executions/:id': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}` }), needs: read, ok: [200] },
  'GET /api/v1/executions/:id/events': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/events` }), needs: read, ok: [200] },
  'POST /api/v1/executions/:id/pause': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/pause` }), needs: execute, ok: [202, 409] },
  'POST /api/v1/executions/:id/resume': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/resume` }), needs: execute, ok: [202, 409] },
  'POST /api/v1/executions/:id/stages/:stageId/restart': {
    request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stages/${f.stageId}/restart` }),
    needs: execute,
    ok: [202, 409],
  },
  'POST /api/v1/executions/:id/stages/:stageId/skip': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stages/${f.stageId}/skip` }), needs: execute, ok: [202, 409] },
  // Breaking a freeze is for admins only, even for a role that may run the application's pipelines.
  'POST /api/v1/executions/:id/stages/:stageId/overrideFreeze': {
    request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stages/${f.stageId}/overrideFreeze`, body: { reason: 'incident 42' } }),
    needs: 'admin',
    ok: [202, 409],
  },
  'POST /api/v1/executions/:id/stages/:stageId/judgment': {
    request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stages/${f.stageId}/judgment`, body: { judgmentStatus: 'continue' } }),
    needs: execute,
    ok: [202, 409],
  },
  'PATCH /api/v1/executions/:id/stages/:stageId': {
    request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stages/${f.stageId}`, body: { skipRemainingWait: true } }),
    needs: execute,
    ok: [202, 409],
  },
  'POST /api/v1/executions/:id/cancel': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/cancel` }), needs: execute, ok: [202, 409] },
  'GET /api/v1/applications/:app/clusters': { request: () => ({ url: `/api/v1/applications/${SHOP}/clusters` }), needs: read, ok: [200] },
  'GET /api/v1/applications/:app/clusters/:cluster/serverGroups': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/clusters/${SHOP}-web/serverGroups` }),
    needs: read,
    ok: [200],
  },
  'POST /api/v1/applications/:app/clusters/:cluster/rollback': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/clusters/${SHOP}-web/rollback`, body: {} }),
    needs: execute,
    ok: [404],
  },
  'POST /api/v1/applications/:app/clusters/:cluster/serverGroups/:serverGroup/enable': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/clusters/${SHOP}-web/serverGroups/${SHOP}-web-v000/enable`, body: {} }),
    needs: execute,
    ok: [404],
  },
  'POST /api/v1/applications/:app/clusters/:cluster/serverGroups/:serverGroup/disable': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/clusters/${SHOP}-web/serverGroups/${SHOP}-web-v000/disable`, body: {} }),
    needs: execute,
    ok: [404],
  },
  'POST /api/v1/applications/:app/clusters/:cluster/serverGroups/:serverGroup/resize': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/clusters/${SHOP}-web/serverGroups/${SHOP}-web-v000/resize`, body: { capacity: { min: 1, max: 2, desired: 1 } } }),
    needs: execute,
    ok: [404],
  },
  'GET /api/v1/applications/:app/notifications': { request: () => ({ url: `/api/v1/applications/${SHOP}/notifications` }), needs: read, ok: [200] },
  'PUT /api/v1/applications/:app/notifications': {
    request: () => ({ url: `/api/v1/applications/${SHOP}/notifications`, body: { slack: [{ address: 'deploys', when: ['pipeline.failed'] }] } }),
    needs: write,
    ok: [200],
  },
  'GET /api/v1/applications/:app/chaosMonkey': { request: () => ({ url: `/api/v1/applications/${SHOP}/chaosMonkey` }), needs: read, ok: [200] },
  'PUT /api/v1/applications/:app/chaosMonkey': { request: () => ({ url: `/api/v1/applications/${SHOP}/chaosMonkey`, body: { enabled: false } }), needs: write, ok: [200] },
  'GET /api/v1/chaosMonkey/killSwitch': { request: () => ({ url: '/api/v1/chaosMonkey/killSwitch' }), needs: 'signedIn', ok: [200] },
  'PUT /api/v1/chaosMonkey/killSwitch': { request: () => ({ url: '/api/v1/chaosMonkey/killSwitch', body: { engaged: false } }), needs: 'admin', ok: [200] },
  'GET /api/v1/executions/:id/notifications': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/notifications` }), needs: read, ok: [200] },
  // Only Slack's signature lets a judgment through: an API token, even the admin's, is not Slack.
  'POST /api/v1/notifications/slack/interactions': { request: () => ({ url: '/api/v1/notifications/slack/interactions', body: {} }), needs: 'sender', ok: [401] },
  'GET /api/v1/executions/:id/stream': { request: (f) => ({ url: `/api/v1/executions/${f.executionId}/stream` }), needs: read, ok: [200], stream: true },
  // The web UI's page and assets (404 while the UI is not built): the page asks /api/v1/me itself.
  'GET /': { request: () => ({ url: '/' }), needs: 'open', ok: [200, 404] },
  'GET /applications': { request: () => ({ url: '/applications' }), needs: 'open', ok: [200, 404] },
  'GET /applications/*': { request: () => ({ url: `/applications/${SHOP}/pipelines` }), needs: 'open', ok: [200, 404] },
  'GET /assets/*': { request: () => ({ url: '/assets/none.js' }), needs: 'open', ok: [404] },
  'POST /api/v1/webhooks/jenkins': { request: () => ({ url: '/api/v1/webhooks/jenkins?master=ci', body: {} }), needs: 'sender', ok: [400] },
  'POST /api/v1/webhooks/git/:host': { request: () => ({ url: '/api/v1/webhooks/git/github', body: {} }), needs: 'sender', ok: [200] },
  'POST /api/v1/webhooks/docker/:source': { request: () => ({ url: '/api/v1/webhooks/docker/hub', body: {} }), needs: 'sender', ok: [200] },
  'POST /api/v1/webhooks/pubsub/:system': { request: () => ({ url: '/api/v1/webhooks/pubsub/google', body: {} }), needs: 'sender', ok: [400] },
  'POST /api/v1/webhooks/webhook/:source': { request: () => ({ url: '/api/v1/webhooks/webhook/github', body: {} }), needs: 'sender', ok: [200, 202] },
  // Spinnaker Gate's paths, at the root.
  'POST /webhooks/webhook/:source': { request: () => ({ url: '/webhooks/webhook/github', body: {} }), needs: 'sender', ok: [200, 202] },
  'POST /webhooks/git/:host': { request: () => ({ url: '/webhooks/git/gitlab', body: {} }), needs: 'sender', ok: [200] },
  'POST /pipelines/:application/:pipelineName': { request: () => ({ url: `/pipelines/${SHOP}/main`, body: {} }), needs: execute, ok: [202, 409] },
  'GET /applications/:application/pipelineConfigs': { request: () => ({ url: `/applications/${SHOP}/pipelineConfigs` }), needs: read, ok: [200] },
  'GET /applications/:application/pipelineConfigs/:pipelineName': {
    request: () => ({ url: `/applications/${SHOP}/pipelineConfigs/main` }),
    needs: read,
    ok: [200],
  },
  'GET /version': { request: () => ({ url: '/version' }), needs: 'signedIn', ok: [200] },
  'POST /api/v1/webhooks/:source': { request: () => ({ url: '/api/v1/webhooks/github', body: {} }), needs: 'sender', ok: [200, 202] },
};

describe('every route × {no token, token without the permission, token with it}', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;
  let fixture: Fixture;
  const tokens = { admin: '', outsider: '', granted: '' };

  const call = async (method: string, routeCase: RouteCase, token: string | undefined) => {
    const { url, body } = routeCase.request(fixture);
    const headers: Record<string, string | undefined> = { authorization: token === undefined ? undefined : `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const options = { method: method as 'GET', url, headers: headers as Record<string, string>, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) };
    if (routeCase.stream !== true) return app.inject(options);
    const response = await app.inject({ ...options, payloadAsStream: true });
    let text = '';
    if (response.statusCode !== 200) for await (const chunk of response.stream()) text += String(chunk);
    response.stream().destroy();
    return Object.assign(response, { body: text, json: () => JSON.parse(text) });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = database.db.pool;
    store = new AuthStore(pool);
    app = buildTestServer(database, {
      // This one caller sends a made-up token to every route on purpose: no failed sign-in throttle
      // (failedSignIns.test.ts is about that).
      auth: { mode: 'on', store, signInLimits: { maxFailures: 0, windowMs: 1 } },
      executions: new PostgresExecutionRepository(pool),
      commands: new PostgresExecutionCommands(pool),
      bus: silentBus,
      triggers: { pool },
      drift: { pool, watches: [{ name: 'shop-web', url: 'file:///nowhere', branch: 'main', path: '', account: 'k8s', namespace: 'prod', application: SHOP, notifications: [] }] },
      readiness: async () => [],
      executionChanges: new ExecutionChanges(database.url),
    });
    await app.ready();
    tokens.admin = (await store.createToken({ name: 'root', roles: ['admin'], createdBy: 'test' })).token;
    // A token for another application: every permission there, none on `shop`.
    tokens.outsider = (await store.createToken({ name: 'outsider', roles: ['other-team'], createdBy: 'test' })).token;
    await store.setRoleGrants('other-team', [{ kind: 'application', name: 'other', actions: ['READ', 'WRITE', 'EXECUTE'] }], 'test');
    tokens.granted = (await store.createToken({ name: 'granted', roles: ['granted'], createdBy: 'test' })).token;

    const admin = { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' };
    const pipeline = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: admin, payload: JSON.stringify(pipelineBody('main')) });
    const pipelineId = pipeline.json<{ id: string }>().id;
    const execution = await app.inject({ method: 'POST', url: `/api/v1/pipelines/${pipelineId}/executions`, headers: admin, payload: '{}' });
    const { id: executionId, stages } = execution.json<{ id: string; stages: { id: string }[] }>();
    const tokenId = (await store.createToken({ name: 'to-revoke', roles: [], createdBy: 'test' })).view.id;
    const doomed = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: admin, payload: JSON.stringify(pipelineBody('doomed')) });
    const canaryConfig = await app.inject({ method: 'POST', url: '/api/v1/canaryConfigs', headers: admin, payload: JSON.stringify(canaryConfigBody('main')) });
    const doomedCanaryConfig = await app.inject({ method: 'POST', url: '/api/v1/canaryConfigs', headers: admin, payload: JSON.stringify(canaryConfigBody('doomed')) });
    fixture = {
      pipelineId,
      doomedPipelineId: doomed.json<{ id: string }>().id,
      executionId,
      stageId: stages[0]?.id ?? '',
      tokenId,
      canaryConfigId: canaryConfig.json<{ id: string }>().id,
      doomedCanaryConfigId: doomedCanaryConfig.json<{ id: string }>().id,
    };
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('has a case for every route, and every case names a route', () => {
    const registered = new Set(app.routeTable.filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/docs')).map((route) => `${route.method} ${route.url}`));
    const missing = [...registered].filter((key) => !(key in ROUTE_CASES));
    expect(missing, `add a row for each of these routes to ROUTE_CASES in apps/api/src/auth/routeTable.test.ts: ${missing.join(', ')}`).toEqual([]);
    expect(Object.keys(ROUTE_CASES).filter((key) => !registered.has(key))).toEqual([]);
  });

  it('refuses a route registered without an access declaration, saying what to add', async () => {
    const probe = buildTestServer(database, { auth: { mode: 'on', store } });
    probe.register(async (child) => {
      child.get('/api/v1/forgotten', async () => ({ open: 'to all' }));
    });
    await expect(probe.ready()).rejects.toThrow(/route GET \/api\/v1\/forgotten declares no access: add `config: needs\(/);
    await probe.close().catch(() => undefined);
  });

  for (const [key, routeCase] of Object.entries(ROUTE_CASES)) {
    const [method = 'GET'] = key.split(' ');
    it(key, async () => {
      const declared = app.routeTable.find((route) => `${route.method} ${route.url}` === key);
      if (routeCase.needs === 'open') {
        expect(declared?.access.kind).toBe('open');
        expect(routeCase.ok).toContain((await call(method, routeCase, undefined)).statusCode);
        return;
      }
      const anonymous = await call(method, routeCase, undefined);
      if (routeCase.needs === 'sender') {
        // Trigger endpoints take a sender's own proof (signature, master token: webhookSenders.test.ts)
        // or an API token; with neither, and the source not configured open, 401.
        expect(anonymous.statusCode, anonymous.body).toBe(401);
        expect((await call(method, routeCase, 'gantry_not-a-token')).statusCode).toBe(401);
        const admin = await call(method, routeCase, tokens.admin);
        expect(routeCase.ok, admin.body).toContain(admin.statusCode);
        return;
      }
      expect(anonymous.statusCode, anonymous.body).toBe(401);
      expect(anonymous.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect((await call(method, routeCase, 'gantry_revoked-or-made-up')).statusCode).toBe(401);

      const outsider = await call(method, routeCase, tokens.outsider);
      if (routeCase.needs === 'signedIn') {
        expect(routeCase.ok, outsider.body).toContain(outsider.statusCode);
      } else {
        expect(outsider.statusCode, outsider.body).toBe(403);
        const missing = routeCase.needs === 'admin' ? 'role admin' : `${routeCase.needs[0]?.actions[0]} on application ${SHOP}`;
        expect(outsider.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { missing: expect.arrayContaining([missing]) } } });
      }

      if (Array.isArray(routeCase.needs)) {
        await store.setRoleGrants('granted', routeCase.needs, 'test');
        const granted = await call(method, routeCase, tokens.granted);
        expect(routeCase.ok, granted.body).toContain(granted.statusCode);
      } else {
        const admin = await call(method, routeCase, tokens.admin);
        expect(routeCase.ok, admin.body).toContain(admin.statusCode);
      }
    });
  }

  it('listings show only what the caller may read', async () => {
    const outsiderList = await call('GET', ROUTE_CASES['GET /api/v1/pipelines'] as RouteCase, tokens.outsider);
    expect(outsiderList.json()).toEqual({ pipelines: [] });
    const executions = await call('GET', ROUTE_CASES['GET /api/v1/executions'] as RouteCase, tokens.outsider);
    expect(executions.json<{ executions: unknown[] }>().executions).toEqual([]);
    await store.setRoleGrants('granted', [...read], 'test');
    const grantedList = await call('GET', ROUTE_CASES['GET /api/v1/pipelines'] as RouteCase, tokens.granted);
    expect(grantedList.json<{ pipelines: { application: string }[] }>().pipelines.map((p) => p.application)).toContain(SHOP);
  });
});

/** Status errors and injected faults as client-node surfaces them (ApiException, code, JSON-string body). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { apiError, clientsFor, deployment, raw, type Clients } from './testSupport';

let fake: FakeKubernetes;
let k: Clients;
const namespace = 'ns1';

beforeAll(async () => {
  fake = await startFakeKubernetes();
  k = clientsFor(fake.url);
});
afterAll(() => fake.close());

describe('errors', () => {
  it('answers a missing object with a 404 Status that client-node parses into ApiException', async () => {
    const error = await apiError(k.apps.readNamespacedDeployment({ name: 'nope', namespace }));
    expect(error.code).toBe(404);
    expect(error.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'deployments.apps "nope" not found', reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    });
    const core = await apiError(k.core.readNamespacedService({ name: 'nope', namespace }));
    expect(core.status).toMatchObject({ message: 'services "nope" not found', details: { name: 'nope', kind: 'services' } });
  });

  it('answers unknown resources and paths with a 404 Status, and watches with 405', async () => {
    const unknown = await raw(fake.url, 'GET', '/apis/apps/v1/namespaces/ns1/controllerrevisions');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    expect((await raw(fake.url, 'GET', '/apis/nothing.example.com/v1')).status).toBe(404);
    expect((await raw(fake.url, 'GET', '/openapi/v2')).status).toBe(404);
    const watch = await raw(fake.url, 'GET', '/apis/apps/v1/namespaces/ns1/deployments?watch=true');
    expect(watch.status).toBe(405);
  });

  it('injects 429 with Retry-After, for the given number of matching requests only', async () => {
    fake.injectFault({ method: 'GET', pathPattern: /\/deployments$/, status: 429, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await apiError(k.apps.listNamespacedDeployment({ namespace }));
      expect(error.code).toBe(429);
      expect(error.status).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
      expect(error.headers['retry-after']).toBe('1');
    }
    const list = await k.apps.listNamespacedDeployment({ namespace });
    expect(list.kind).toBe('DeploymentList');
  });

  it('injects 403 only for the given method', async () => {
    fake.injectFault({ method: 'POST', pathPattern: /\/deployments$/, status: 403, times: 1, message: 'deployments.apps is forbidden: User "gantry" cannot create' });
    await k.apps.listNamespacedDeployment({ namespace });
    const error = await apiError(k.apps.createNamespacedDeployment({ namespace, body: deployment('forbidden') }));
    expect(error.code).toBe(403);
    expect(error.status).toMatchObject({ reason: 'Forbidden', message: 'deployments.apps is forbidden: User "gantry" cannot create' });
    // The fault is used up: the same call now succeeds.
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('forbidden') });
  });

  it('injects 500, 503 and 409 with the matching Status reasons', async () => {
    const cases = [[500, 'InternalError'], [503, 'ServiceUnavailable'], [409, 'Conflict']] as const;
    for (const [status, reason] of cases) {
      fake.injectFault({ pathPattern: /\/services\/flaky$/, status, times: 1 });
      const error = await apiError(k.core.readNamespacedService({ name: 'flaky', namespace }));
      expect(error.code).toBe(status);
      expect(error.status.reason).toBe(reason);
    }
    // No fault left: the real answer (not found) comes through.
    expect((await apiError(k.core.readNamespacedService({ name: 'flaky', namespace }))).code).toBe(404);
  });

  it('records requests for debugging', async () => {
    await k.apps.listNamespacedDeployment({ namespace, labelSelector: 'app=x' });
    expect(fake.requests()).toContainEqual({ method: 'GET', path: '/apis/apps/v1/namespaces/ns1/deployments?labelSelector=app%3Dx', contentType: '' });
  });
});

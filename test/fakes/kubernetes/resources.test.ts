/** Services, HTTPRoutes (CustomObjectsApi) and namespaces through the real client-node. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { apiError, clientsFor, jsonPatch, mergePatch, strategicMergePatch, type Clients } from './testSupport';

let fake: FakeKubernetes;
let k: Clients;
const namespace = 'ns1';
const gateway = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespace };

beforeAll(async () => {
  fake = await startFakeKubernetes();
  k = clientsFor(fake.url);
});
afterAll(() => fake.close());

function service(name: string, selector: Record<string, string>): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: 'checkout' } }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
}

function route(name: string, weights: Record<string, number>): Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, labels: { app: 'checkout' } },
    spec: {
      parentRefs: [{ name: 'public' }],
      rules: [{ backendRefs: Object.entries(weights).map(([backend, weight]) => ({ name: backend, port: 80, weight })) }],
    },
  };
}

type Route = { metadata: { resourceVersion: string; generation: number }; spec: { rules: { backendRefs: { name: string; weight: number }[] }[] } };
const weightsOf = (r: Route): Record<string, number> => Object.fromEntries(r.spec.rules[0]?.backendRefs.map((b) => [b.name, b.weight]) ?? []);

describe('services through client-node', () => {
  it('creates with an allocated cluster IP, switches the selector by merge patch, and keeps the IP on replace', async () => {
    const created = await k.core.createNamespacedService({ namespace, body: service('checkout', { app: 'checkout', 'server-group': 'checkout-v001' }) });
    expect(created.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(created.spec?.type).toBe('ClusterIP');
    expect(created.spec?.ports?.[0]).toMatchObject({ protocol: 'TCP', port: 80, targetPort: 8080 });

    const switched = await k.core.patchNamespacedService(
      { name: 'checkout', namespace, body: { spec: { selector: { 'server-group': 'checkout-v002' } } } },
      mergePatch,
    );
    expect(switched.spec?.selector).toEqual({ app: 'checkout', 'server-group': 'checkout-v002' });

    // A freshly rendered Service without clusterIP: the allocated one is kept, as the real server does.
    const fresh = service('checkout', { app: 'checkout', 'server-group': 'checkout-v003' });
    const replaced = await k.core.replaceNamespacedService({ name: 'checkout', namespace, body: fresh });
    expect(replaced.spec?.clusterIP).toBe(created.spec?.clusterIP);
    expect(replaced.spec?.selector?.['server-group']).toBe('checkout-v003');

    const list = await k.core.listNamespacedService({ namespace, labelSelector: 'app=checkout' });
    expect(list.kind).toBe('ServiceList');
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['checkout']);
  });

  it('strategic-merge-patches service ports by port number', async () => {
    await k.core.createNamespacedService({ namespace, body: service('ports', { app: 'x' }) });
    const patched = await k.core.patchNamespacedService(
      { name: 'ports', namespace, body: { spec: { ports: [{ name: 'metrics', port: 9090 }] } } },
      strategicMergePatch,
    );
    expect(patched.spec?.ports?.map((p) => p.port)).toEqual([80, 9090]);
  });

  it('deletes, returning the deleted object', async () => {
    await k.core.createNamespacedService({ namespace, body: service('gone', { app: 'x' }) });
    const deleted = await k.core.deleteNamespacedService({ name: 'gone', namespace });
    expect(deleted.metadata?.name).toBe('gone');
    expect((await apiError(k.core.readNamespacedService({ name: 'gone', namespace }))).code).toBe(404);
  });
});

describe('httproutes through CustomObjectsApi', () => {
  it('creates with the CRD defaults, lists by label, reads', async () => {
    const created = (await k.custom.createNamespacedCustomObject({ ...gateway, body: route('checkout', { 'checkout-v001': 100 }) })) as Route & Record<string, unknown>;
    expect(created).toMatchObject({ kind: 'HTTPRoute', metadata: { namespace, generation: 1 } });
    expect(created.spec.rules[0]?.backendRefs[0]).toMatchObject({ group: '', kind: 'Service', weight: 100 });

    const list = (await k.custom.listNamespacedCustomObject({ ...gateway, labelSelector: 'app=checkout' })) as { kind: string; items: { kind: string }[] };
    expect(list.kind).toBe('HTTPRouteList');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.kind).toBe('HTTPRoute');
    const read = (await k.custom.getNamespacedCustomObject({ ...gateway, name: 'checkout' })) as Route;
    expect(weightsOf(read)).toEqual({ 'checkout-v001': 100 });
  });

  it('sets weights by merge patch, json patch and replace; generation follows the spec', async () => {
    await k.custom.createNamespacedCustomObject({ ...gateway, body: route('weights', { a: 100, b: 0 }) });
    const merged = (await k.custom.patchNamespacedCustomObject(
      { ...gateway, name: 'weights', body: { spec: { rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 90 }, { name: 'b', port: 80, weight: 10 }] }] } } },
      mergePatch,
    )) as Route;
    expect(weightsOf(merged)).toEqual({ a: 90, b: 10 });
    expect(merged.metadata.generation).toBe(2);

    const jsonPatched = (await k.custom.patchNamespacedCustomObject(
      { ...gateway, name: 'weights', body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/0/weight', value: 50 }, { op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 50 }] },
      jsonPatch,
    )) as Route;
    expect(weightsOf(jsonPatched)).toEqual({ a: 50, b: 50 });

    const replaced = (await k.custom.replaceNamespacedCustomObject({ ...gateway, name: 'weights', body: { ...route('weights', { b: 100 }), metadata: { name: 'weights', resourceVersion: jsonPatched.metadata.resourceVersion } } })) as Route;
    expect(weightsOf(replaced)).toEqual({ b: 100 });
    const stale = await apiError(k.custom.replaceNamespacedCustomObject({ ...gateway, name: 'weights', body: { ...route('weights', { a: 1 }), metadata: { name: 'weights', resourceVersion: jsonPatched.metadata.resourceVersion } } }));
    expect(stale.code).toBe(409);
  });

  it('rejects strategic merge patch (415, as for any custom resource) and out-of-range weights (422)', async () => {
    await k.custom.createNamespacedCustomObject({ ...gateway, body: route('strict', { a: 1 }) });
    const smp = await apiError(k.custom.patchNamespacedCustomObject({ ...gateway, name: 'strict', body: { metadata: { labels: { x: 'y' } } } }, strategicMergePatch));
    expect(smp.code).toBe(415);
    const weight = await apiError(k.custom.createNamespacedCustomObject({ ...gateway, body: route('too-heavy', { a: 2_000_000 }) }));
    expect(weight.code).toBe(422);
  });

  it('deletes, returning the deleted object', async () => {
    await k.custom.createNamespacedCustomObject({ ...gateway, body: route('remove-me', { a: 1 }) });
    const deleted = (await k.custom.deleteNamespacedCustomObject({ ...gateway, name: 'remove-me' })) as { metadata: { name: string } };
    expect(deleted.metadata.name).toBe('remove-me');
    expect((await apiError(k.custom.getNamespacedCustomObject({ ...gateway, name: 'remove-me' }))).code).toBe(404);
  });
});

describe('namespaces', () => {
  it('has default and ns1, creates more, and refuses objects in a namespace that does not exist', async () => {
    const names = (await k.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'ns1']));
    const created = await k.core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    expect(created.status?.phase).toBe('Active');
    const missing = await apiError(k.core.createNamespacedService({ namespace: 'nowhere', body: service('x', { app: 'x' }) }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({ reason: 'NotFound', details: { name: 'nowhere', kind: 'namespaces' } });
  });

  it('deletes a namespace with everything in it, but not default', async () => {
    await k.core.createNamespace({ body: { metadata: { name: 'temporary' } } });
    await k.core.createNamespacedService({ namespace: 'temporary', body: service('inside', { app: 'x' }) });
    const deleted = await k.core.deleteNamespace({ name: 'temporary' });
    expect(deleted).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'temporary', kind: 'namespaces' } });
    expect((await apiError(k.core.readNamespacedService({ name: 'inside', namespace: 'temporary' }))).code).toBe(404);
    expect(fake.state.list('services', 'temporary')).toEqual([]);
    const forbidden = await apiError(k.core.deleteNamespace({ name: 'default' }));
    expect(forbidden.code).toBe(403);
  });
});

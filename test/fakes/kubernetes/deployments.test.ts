/** Deployments through the real @kubernetes/client-node: every verb and patch type Gantry may use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { apiError, clientsFor, deployment, eventually, jsonPatch, mergePatch, raw, serverSideApply, strategicMergePatch, type Clients } from './testSupport';

let fake: FakeKubernetes;
let k: Clients;
const namespace = 'ns1';

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 50 });
  k = clientsFor(fake.url);
});
afterAll(() => fake.close());

describe('deployments through client-node', () => {
  it('creates, reads and fills in server-owned metadata and defaults', async () => {
    const created = await k.apps.createNamespacedDeployment({ namespace, body: deployment('create-me') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.namespace).toBe(namespace);
    expect(created.metadata?.generation).toBe(1);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(created.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');

    const read = await k.apps.readNamespacedDeployment({ name: 'create-me', namespace });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(read.kind).toBe('Deployment');
    expect(read.apiVersion).toBe('apps/v1');
  });

  it('answers 409 AlreadyExists for a second create of the same name', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('twice') });
    const error = await apiError(k.apps.createNamespacedDeployment({ namespace, body: deployment('twice') }));
    expect(error.code).toBe(409);
    expect(error.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', details: { name: 'twice', group: 'apps', kind: 'deployments' } });
  });

  it('lists with label selectors (=, !=, exists, !exists, in, notin) and a field selector', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('sel-a', { labels: { tier: 'web', cluster: 'checkout' } }) });
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('sel-b', { labels: { tier: 'db', cluster: 'checkout' } }) });
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('sel-c', { labels: { tier: 'cache' } }) });
    const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> => {
      const list = await k.apps.listNamespacedDeployment({ namespace, labelSelector, fieldSelector });
      return list.items.map((d) => d.metadata?.name ?? '').filter((n) => n.startsWith('sel-'));
    };
    expect(await names('tier=web')).toEqual(['sel-a']);
    expect(await names('cluster=checkout,tier!=web')).toEqual(['sel-b']);
    expect(await names('cluster')).toEqual(['sel-a', 'sel-b']);
    expect(await names('!cluster')).toEqual(['sel-c']);
    expect(await names('tier in (web, cache)')).toEqual(['sel-a', 'sel-c']);
    expect(await names('tier notin (web),cluster')).toEqual(['sel-b']);
    expect(await names(undefined, 'metadata.name=sel-b')).toEqual(['sel-b']);

    const list = await k.apps.listNamespacedDeployment({ namespace, labelSelector: 'tier=web' });
    expect(list.kind).toBe('DeploymentList');
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(list.items[0]?.kind).toBe('Deployment');
  });

  it('replaces with optimistic concurrency: current resourceVersion wins, a stale one gets 409 Conflict', async () => {
    // No replicas: no pods, so the controller does not bump the resourceVersion between our calls.
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('replace-me', { replicas: 0 }) });
    const current = await eventually(async () => {
      const d = await k.apps.readNamespacedDeployment({ name: 'replace-me', namespace });
      return d.status?.observedGeneration === 1 ? d : undefined;
    });
    const staleVersion = current.metadata?.resourceVersion;
    const container = current.spec?.template.spec?.containers[0];
    if (container) container.image = 'registry.example/app:2.0.0';
    const replaced = await k.apps.replaceNamespacedDeployment({ name: 'replace-me', namespace, body: current });
    expect(replaced.metadata?.generation).toBe(2);
    expect(replaced.metadata?.resourceVersion).not.toBe(staleVersion);

    const stale = { ...replaced, metadata: { ...replaced.metadata, resourceVersion: staleVersion } };
    const error = await apiError(k.apps.replaceNamespacedDeployment({ name: 'replace-me', namespace, body: stale }));
    expect(error.code).toBe(409);
    expect(error.status).toMatchObject({ reason: 'Conflict', details: { name: 'replace-me', kind: 'deployments' } });
    expect(String(error.status.message)).toContain('the object has been modified');
  });

  it('merge-patches (RFC 7386): objects merge, null deletes, lists replace', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('merge-me', { labels: { keep: 'yes', drop: 'me' } }) });
    const patched = await k.apps.patchNamespacedDeployment(
      { name: 'merge-me', namespace, body: { metadata: { labels: { drop: null, added: 'x' } }, spec: { replicas: 3 } } },
      mergePatch,
    );
    expect(patched.metadata?.labels).toEqual({ app: 'merge-me', keep: 'yes', added: 'x' });
    expect(patched.spec?.replicas).toBe(3);
    expect(patched.metadata?.generation).toBe(2);
    expect(fake.requests().some((r) => r.method === 'PATCH' && r.contentType === 'application/merge-patch+json')).toBe(true);
  });

  it('strategic-merge-patches containers by name instead of replacing the list', async () => {
    const body = deployment('smp-me');
    body.spec?.template.spec?.containers.push({ name: 'sidecar', image: 'registry.example/proxy:1' });
    await k.apps.createNamespacedDeployment({ namespace, body });
    const patched = await k.apps.patchNamespacedDeployment(
      { name: 'smp-me', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:3.0.0' }] } } } } },
      strategicMergePatch,
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image])).toEqual([['app', 'registry.example/app:3.0.0'], ['sidecar', 'registry.example/proxy:1']]);
    expect(containers[0]?.ports?.[0]?.containerPort).toBe(8080);
  });

  it('json-patches (RFC 6902) add/remove/replace, and is the default without a Content-Type option', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('jp-me', { labels: { old: 'x' } }) });
    const patched = await k.apps.patchNamespacedDeployment({
      name: 'jp-me', namespace,
      body: [
        { op: 'replace', path: '/spec/replicas', value: 2 },
        { op: 'add', path: '/metadata/labels/new', value: 'y' },
        { op: 'remove', path: '/metadata/labels/old' },
        { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'A', value: '1' }] },
      ],
    }, jsonPatch);
    expect(patched.spec?.replicas).toBe(2);
    expect(patched.metadata?.labels).toEqual({ app: 'jp-me', new: 'y' });
    expect(patched.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'A', value: '1' }]);

    const bad = await apiError(k.apps.patchNamespacedDeployment({ name: 'jp-me', namespace, body: [{ op: 'remove', path: '/metadata/labels/missing' }] }));
    expect(bad.code).toBe(422);
  });

  it('server-side-applies (simplified): creates when missing, merges when present, no-op keeps the resourceVersion', async () => {
    const first = await k.apps.patchNamespacedDeployment({ name: 'applied', namespace, body: deployment('applied', { replicas: 0 }), fieldManager: 'gantry' }, serverSideApply);
    expect(first.metadata?.generation).toBe(1);
    const again = await k.apps.patchNamespacedDeployment({ name: 'applied', namespace, body: deployment('applied', { replicas: 0 }), fieldManager: 'gantry' }, serverSideApply);
    expect(again.metadata?.resourceVersion).toBe((await k.apps.readNamespacedDeployment({ name: 'applied', namespace })).metadata?.resourceVersion);
    expect(again.metadata?.generation).toBe(1);
    const scaled = await k.apps.patchNamespacedDeployment({ name: 'applied', namespace, body: deployment('applied', { replicas: 2 }), fieldManager: 'gantry' }, serverSideApply);
    expect(scaled.spec?.replicas).toBe(2);
    expect(scaled.metadata?.generation).toBe(2);
    const noManager = await apiError(k.apps.patchNamespacedDeployment({ name: 'applied', namespace, body: deployment('applied') }, serverSideApply));
    expect(noManager.code).toBe(400);
  });

  it('deletes (Status Success) with a propagation policy, and the pods go with the deployment', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('delete-me', { replicas: 2 }) });
    await eventually(async () => ((await k.core.listNamespacedPod({ namespace, labelSelector: 'app=delete-me' })).items.length === 2 ? true : undefined));
    const status = await k.apps.deleteNamespacedDeployment({ name: 'delete-me', namespace, propagationPolicy: 'Foreground' });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'delete-me', group: 'apps', kind: 'deployments' } });
    const missing = await apiError(k.apps.readNamespacedDeployment({ name: 'delete-me', namespace }));
    expect(missing.code).toBe(404);
    await eventually(async () => ((await k.core.listNamespacedPod({ namespace, labelSelector: 'app=delete-me' })).items.length === 0 ? true : undefined));
  });

  it('rejects invalid deployments with 422 Invalid, as the real API server does', async () => {
    const noSelector = deployment('invalid-a');
    if (noSelector.spec) delete (noSelector.spec as Partial<typeof noSelector.spec>).selector;
    const a = await apiError(k.apps.createNamespacedDeployment({ namespace, body: noSelector }));
    expect(a.code).toBe(422);
    expect(a.status).toMatchObject({ reason: 'Invalid', details: { name: 'invalid-a', group: 'apps', kind: 'Deployment' } });
    expect(String(a.status.message)).toContain('spec.selector: Required value');

    const mismatch = deployment('invalid-b');
    if (mismatch.spec) mismatch.spec.selector = { matchLabels: { app: 'other' } };
    const b = await apiError(k.apps.createNamespacedDeployment({ namespace, body: mismatch }));
    expect(b.code).toBe(422);
    expect(String(b.status.message)).toContain('`selector` does not match template `labels`');

    const noTemplate = await raw(fake.url, 'POST', `/apis/apps/v1/namespaces/${namespace}/deployments`,
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'invalid-c' }, spec: { selector: { matchLabels: { app: 'x' } } } }));
    expect(noTemplate.status).toBe(422);
    expect(noTemplate.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(String(noTemplate.body.message)).toContain('spec.template: Required value');

    const badLabel = await apiError(k.apps.createNamespacedDeployment({ namespace, body: deployment('invalid-d', { labels: { version: 'app:1.0' } }) }));
    expect(badLabel.code).toBe(422);

    const malformed = await raw(fake.url, 'POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, '{not json');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  it('keeps the selector immutable on update', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('immutable', { replicas: 0 }) });
    const error = await apiError(k.apps.patchNamespacedDeployment(
      { name: 'immutable', namespace, body: { spec: { selector: { matchLabels: { app: 'immutable', extra: 'x' } }, template: { metadata: { labels: { extra: 'x' } } } } } },
      mergePatch,
    ));
    expect(error.code).toBe(422);
    expect(String(error.status.message)).toContain('field is immutable');
  });
});

/** The simulated Deployment controller, observed through client-node: pods, readiness, scale, rollouts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { apiError, clientsFor, deployment, eventually, jsonPatch, mergePatch, strategicMergePatch, type Clients } from './testSupport';

let fake: FakeKubernetes;
let k: Clients;
const namespace = 'ns1';

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 50 });
  k = clientsFor(fake.url);
});
afterAll(() => fake.close());

const pods = async (app: string): Promise<V1Pod[]> => (await k.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
const read = (name: string): Promise<V1Deployment> => k.apps.readNamespacedDeployment({ name, namespace });
const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const condition = (d: V1Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('simulated deployment controller', () => {
  it('creates spec.replicas pods that become ready after the delay, and reports it in status', async () => {
    // A long delay first, so that the not-yet-ready state is observable even on a loaded machine.
    fake.setReadyDelay(2000);
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('web', { replicas: 3 }) });
    const created = await eventually(async () => {
      const list = await pods('web');
      return list.length === 3 ? list : undefined;
    });
    expect(created.filter(isReady)).toEqual([]);
    expect(created.every((p) => p.status?.phase === 'Pending')).toBe(true);
    expect((await read('web')).status?.readyReplicas).toBeUndefined();
    // Shortening the delay applies to pods already waiting.
    fake.setReadyDelay(50);
    for (const pod of created) {
      const hash = pod.metadata?.labels?.['pod-template-hash'] ?? '';
      expect(pod.metadata?.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: `web-${hash}`, controller: true });
      expect(pod.metadata?.labels).toMatchObject({ app: 'web' });
    }

    const ready = await eventually(async () => {
      const d = await read('web');
      return d.status?.readyReplicas === 3 ? d : undefined;
    });
    expect(ready.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(ready.status?.unavailableReplicas).toBeUndefined();
    expect(condition(ready, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(ready, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const running = await pods('web');
    expect(running.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready === true)).toBe(true);
  });

  it('scales through the /scale subresource (autoscaling/v1 Scale)', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('scaled', { replicas: 1 }) });
    const scale = await k.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=scaled' } });

    const up = await k.apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace, body: { spec: { replicas: 4 } } }, mergePatch);
    expect(up.spec?.replicas).toBe(4);
    await eventually(async () => ((await read('scaled')).status?.readyReplicas === 4 ? true : undefined));
    expect((await pods('scaled')).length).toBe(4);

    const current = await k.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace });
    await k.apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace, body: { ...current, spec: { replicas: 2 } } });
    await eventually(async () => ((await pods('scaled')).length === 2 ? true : undefined));
    const d = await eventually(async () => {
      const found = await read('scaled');
      return found.status?.replicas === 2 && found.status.readyReplicas === 2 ? found : undefined;
    });
    expect(d.spec?.replicas).toBe(2);
    expect(d.metadata?.generation).toBe(3);

    const stale = await apiError(k.apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace, body: { ...current, spec: { replicas: 5 } } }));
    expect(stale.code).toBe(409);
  });

  it('keeps readyReplicas at 0 while failReadiness matches, then recovers when cleared', async () => {
    fake.failReadiness((d) => d.name === 'broken');
    try {
      await k.apps.createNamespacedDeployment({ namespace, body: deployment('broken', { replicas: 2 }) });
      const failing = await eventually(async () => {
        const list = await pods('broken');
        const waiting = list.filter((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
        return list.length === 2 && waiting.length === 2 ? list : undefined;
      });
      expect(failing.every((p) => p.status?.phase === 'Running' && !isReady(p))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const d = await read('broken');
      // The real API server omits zero counts: a missing readyReplicas means 0.
      expect(d.status?.readyReplicas ?? 0).toBe(0);
      expect(d.status?.unavailableReplicas).toBe(2);
      expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    } finally {
      fake.failReadiness(null);
    }
    await eventually(async () => ((await read('broken')).status?.readyReplicas === 2 ? true : undefined));
  });

  it('reports ProgressDeadlineExceeded when pods stay unready past spec.progressDeadlineSeconds', async () => {
    fake.failReadiness((d) => d.images.includes('registry.example/app:bad'));
    try {
      await k.apps.createNamespacedDeployment({ namespace, body: deployment('stuck', { replicas: 1, image: 'registry.example/app:bad', progressDeadlineSeconds: 1 }) });
      const d = await eventually(async () => {
        const found = await read('stuck');
        return condition(found, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? found : undefined;
      }, 5000);
      expect(condition(d, 'Progressing')?.status).toBe('False');
    } finally {
      fake.failReadiness(null);
    }
  });

  it('rolls pods to a new template hash when the image changes, keeping old pods until new ones are ready', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('rolling', { replicas: 2 }) });
    await eventually(async () => ((await read('rolling')).status?.readyReplicas === 2 ? true : undefined));
    const before = await pods('rolling');
    const oldHash = before[0]?.metadata?.labels?.['pod-template-hash'];
    expect((await read('rolling')).metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    fake.setReadyDelay(1500);
    try {
      await k.apps.patchNamespacedDeployment(
        { name: 'rolling', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:2.0.0' }] } } } } },
        strategicMergePatch,
      );
      // Mid-rollout: old pods still serve while the new ones start.
      const mid = await eventually(async () => {
        const list = await pods('rolling');
        return list.some((p) => p.metadata?.labels?.['pod-template-hash'] !== oldHash) ? list : undefined;
      });
      expect(mid.filter((p) => p.metadata?.labels?.['pod-template-hash'] === oldHash).length).toBe(2);
    } finally {
      fake.setReadyDelay(50);
    }
    const after = await eventually(async () => {
      const list = await pods('rolling');
      return list.length === 2 && list.every((p) => p.metadata?.labels?.['pod-template-hash'] !== oldHash && isReady(p)) ? list : undefined;
    });
    expect(after.every((p) => p.spec?.containers[0]?.image === 'registry.example/app:2.0.0')).toBe(true);
    const d = await eventually(async () => {
      const found = await read('rolling');
      return found.status?.updatedReplicas === 2 && found.status.replicas === 2 && found.status.readyReplicas === 2 ? found : undefined;
    });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status?.observedGeneration).toBe(2);
  });

  it('replaces a deleted pod, and pods cannot be created through the API', async () => {
    await k.apps.createNamespacedDeployment({ namespace, body: deployment('healing', { replicas: 1 }) });
    const [first] = await eventually(async () => {
      const list = await pods('healing');
      return list.length === 1 ? list : undefined;
    });
    const deleted = await k.core.deleteNamespacedPod({ name: first?.metadata?.name ?? '', namespace });
    expect(deleted.metadata?.name).toBe(first?.metadata?.name);
    const replacement = await eventually(async () => {
      const list = await pods('healing');
      return list.length === 1 && list[0]?.metadata?.name !== first?.metadata?.name ? list[0] : undefined;
    });
    expect(replacement.metadata?.labels?.['pod-template-hash']).toBe(first?.metadata?.labels?.['pod-template-hash']);

    const create = await apiError(k.core.createNamespacedPod({ namespace, body: { metadata: { name: 'manual' }, spec: { containers: [{ name: 'c', image: 'x' }] } } }));
    expect(create.code).toBe(405);
  });

  it('runs the pods of a standalone ReplicaSet, keeps pod labels a client patched, and collects them with it', async () => {
    const body = {
      metadata: { name: 'solo-v000' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'solo' } }, template: { metadata: { labels: { app: 'solo', serving: 'yes' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    await k.apps.createNamespacedReplicaSet({ namespace, body });
    const created = await eventually(async () => {
      const list = await pods('solo');
      return list.length === 2 && list.every(isReady) ? list : undefined;
    });
    expect(created[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'solo-v000', controller: true });
    const rs = await eventually(async () => {
      const read = await k.apps.readNamespacedReplicaSet({ name: 'solo-v000', namespace });
      return read.status?.readyReplicas === 2 ? read : undefined;
    });
    expect(rs.status).toMatchObject({ replicas: 2, availableReplicas: 2 });

    const name = created[0]?.metadata?.name ?? '';
    await k.core.patchNamespacedPod({ name, namespace, body: [{ op: 'remove', path: '/metadata/labels/serving' }] }, jsonPatch);
    const relabelled = await eventually(async () => {
      const list = await pods('solo');
      return list.length === 2 ? list.find((p) => p.metadata?.name === name) : undefined;
    });
    expect(relabelled?.metadata?.labels).toEqual({ app: 'solo' });

    await k.apps.deleteNamespacedReplicaSet({ name: 'solo-v000', namespace });
    await eventually(async () => ((await pods('solo')).length === 0 ? true : undefined));
  });

  it('runs a DaemonSet\'s pod on the one node, replaces it when the template changes, and reports what Spinnaker\'s rule reads', async () => {
    const daemonSet = (image: string) => ({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } } },
    });
    await k.apps.createNamespacedDaemonSet({ namespace, body: daemonSet('agent:1') });
    const settled = (generation: number) => eventually(async () => {
      const status = (await k.apps.readNamespacedDaemonSet({ name: 'agent', namespace })).status;
      return status?.observedGeneration === generation && status.numberAvailable === 1 && status.updatedNumberScheduled === 1 ? status : undefined;
    });
    expect(await settled(1)).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1 });
    const first = await pods('agent');
    expect(first.map((pod) => pod.metadata?.ownerReferences?.[0]?.kind)).toEqual(['DaemonSet']);
    await k.apps.replaceNamespacedDaemonSet({ name: 'agent', namespace, body: { ...daemonSet('agent:2'), metadata: { name: 'agent', namespace, resourceVersion: (await k.apps.readNamespacedDaemonSet({ name: 'agent', namespace })).metadata?.resourceVersion } } });
    await settled(2);
    const second = await pods('agent');
    expect(second.map((pod) => pod.spec?.containers[0]?.image)).toEqual(['agent:2']);
    await k.apps.deleteNamespacedDaemonSet({ name: 'agent', namespace });
    await eventually(async () => ((await pods('agent')).length === 0 ? true : undefined));
  });

  it('runs a StatefulSet\'s pods <name>-<ordinal> in order and rolls a changed template from the highest ordinal down, revisions catching up', async () => {
    const statefulSet = (image: string) => ({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace },
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } } },
    });
    const settled = (generation: number) => eventually(async () => {
      const status = (await k.apps.readNamespacedStatefulSet({ name: 'db', namespace })).status;
      return status?.observedGeneration === generation && status.readyReplicas === 2 && status.updatedReplicas === 2 && status.currentRevision === status.updateRevision ? status : undefined;
    });
    await k.apps.createNamespacedStatefulSet({ namespace, body: statefulSet('db:1') });
    const first = await settled(1);
    expect((await pods('db')).map((pod) => pod.metadata?.name).sort()).toEqual(['db-0', 'db-1']);
    const live = await k.apps.readNamespacedStatefulSet({ name: 'db', namespace });
    await k.apps.replaceNamespacedStatefulSet({ name: 'db', namespace, body: { ...statefulSet('db:2'), metadata: { name: 'db', namespace, resourceVersion: live.metadata?.resourceVersion } } });
    const second = await settled(2);
    expect(second.updateRevision).not.toBe(first.updateRevision);
    expect((await pods('db')).map((pod) => pod.spec?.containers[0]?.image)).toEqual(['db:2', 'db:2']);
    await k.apps.deleteNamespacedStatefulSet({ name: 'db', namespace });
    await eventually(async () => ((await pods('db')).length === 0 ? true : undefined));
  });

  it('exposes stored objects to tests through state', async () => {
    await eventually(async () => (fake.state.list('pods', namespace).some((p) => p.metadata.name?.toString().startsWith('web-')) ? true : undefined));
    expect(fake.state.get('deployments', 'web', namespace)?.metadata.name).toBe('web');
    expect(fake.state.get('namespaces', 'ns1')?.metadata.name).toBe('ns1');
    expect(fake.state.get('deployments', 'web', 'default')).toBeUndefined();
  });
});

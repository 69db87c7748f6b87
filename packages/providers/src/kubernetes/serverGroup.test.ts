import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeHealth, podsByServerGroup, readCapacity, toServerGroup } from './serverGroup';

function deployment(overrides: Partial<V1Deployment> = {}): V1Deployment {
  return {
    metadata: {
      name: 'checkout-prod-v003',
      namespace: 'ns1',
      uid: 'uid-3',
      creationTimestamp: new Date('2025-01-02T03:04:05Z'),
      labels: { 'app.kubernetes.io/name': 'checkout', 'gantry.io/cluster': 'checkout-prod', 'gantry.io/server-group': 'checkout-prod-v003' },
      annotations: { 'gantry.io/capacity-min': '2', 'gantry.io/capacity-max': '6', 'gantry.io/image': 'repo/checkout:1' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'gantry.io/server-group': 'checkout-prod-v003' } },
      template: {
        metadata: { labels: { 'gantry.io/traffic': 'enabled' } },
        spec: { containers: [{ name: 'checkout', image: 'repo/checkout:1@sha256:abc' }] },
      },
    },
    status: { replicas: 3, readyReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'm' }] },
    ...overrides,
  };
}

function pod(name: string, state: 'ready' | 'starting' | 'crashing' | 'failed' | 'terminating' | 'pull-error'): V1Pod {
  const ready = state === 'ready';
  return {
    metadata: {
      name,
      labels: { 'gantry.io/server-group': 'checkout-prod-v003' },
      ...(state === 'terminating' ? { deletionTimestamp: new Date() } : {}),
    },
    status: {
      phase: state === 'failed' ? 'Failed' : state === 'starting' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'checkout',
          image: 'x',
          imageID: 'x',
          ready,
          restartCount: state === 'crashing' ? 4 : 0,
          state:
            state === 'crashing'
              ? { waiting: { reason: 'CrashLoopBackOff' } }
              : state === 'pull-error'
                ? { waiting: { reason: 'ImagePullBackOff' } }
                : state === 'starting'
                  ? { waiting: { reason: 'ContainerCreating' } }
                  : { running: {} },
        },
      ],
    },
  };
}

describe('computeHealth', () => {
  it('counts ready pods up, failing pods down and the rest unknown', () => {
    const pods = [pod('a', 'ready'), pod('b', 'starting'), pod('c', 'crashing'), pod('d', 'pull-error'), pod('e', 'failed'), pod('f', 'terminating')];
    expect(computeHealth(deployment(), pods)).toEqual({ desired: 3, up: 1, down: 3, unknown: 1 });
  });

  it('falls back to the Deployment status without pods', () => {
    expect(computeHealth(deployment(), [])).toEqual({ desired: 3, up: 1, down: 0, unknown: 2 });
    expect(computeHealth(deployment({ status: {} }), [])).toEqual({ desired: 3, up: 0, down: 0, unknown: 0 });
  });
});

describe('toServerGroup', () => {
  it('reads identity, capacity, traffic, image and details', () => {
    const group = toServerGroup(deployment(), [pod('a', 'ready')], 'k8s-prod');
    expect(group).toMatchObject({
      account: 'k8s-prod',
      location: 'ns1',
      application: 'checkout',
      cluster: 'checkout-prod',
      name: 'checkout-prod-v003',
      sequence: 3,
      image: 'repo/checkout:1@sha256:abc',
      capacity: { min: 2, max: 6, desired: 3 },
      enabled: true,
      createdAt: new Date('2025-01-02T03:04:05Z'),
      health: { desired: 3, up: 1, down: 0, unknown: 0 },
      details: { namespace: 'ns1', uid: 'uid-3', conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'm' }] },
    });
  });

  it('keeps capacity consistent when annotations are missing or stale', () => {
    expect(readCapacity(deployment({ metadata: { name: 'x' } }))).toEqual({ min: 3, max: 3, desired: 3 });
    const scaledPast = deployment();
    scaledPast.spec = { ...scaledPast.spec!, replicas: 9 };
    expect(readCapacity(scaledPast)).toEqual({ min: 2, max: 9, desired: 9 });
  });

  it('groups pods by server group', () => {
    const other = pod('z', 'ready');
    other.metadata!.labels = { 'gantry.io/server-group': 'checkout-prod-v004' };
    const grouped = podsByServerGroup([pod('a', 'ready'), other, { metadata: { name: 'stray' } }]);
    expect([...grouped.keys()]).toEqual(['checkout-prod-v003', 'checkout-prod-v004']);
  });
});

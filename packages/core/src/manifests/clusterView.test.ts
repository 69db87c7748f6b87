import { describe, expect, it } from 'vitest';
import { manifestView } from './clusterView';

const annotations = { 'moniker.spinnaker.io/application': 'shop', 'moniker.spinnaker.io/cluster': 'configMap web-config', 'moniker.spinnaker.io/sequence': '1' };

describe('manifestView', () => {
  it('shows an object of the application with its moniker cluster, version, stability and creation time', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config-v001', namespace: 'prod', annotations, creationTimestamp: '2026-12-05T00:00:00Z' } };
    expect(manifestView(configMap, 'shop', 'k8s')).toEqual({
      kind: 'ConfigMap', apiVersion: 'v1', name: 'web-config-v001', namespace: 'prod', account: 'k8s', cluster: 'configMap web-config', version: 1, stable: true, status: 'stable', createdAt: '2026-12-05T00:00:00Z',
    });
  });

  it('says what an unsettled workload waits for, and leaves out the version of an unversioned object', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', generation: 2, annotations: { 'moniker.spinnaker.io/application': 'shop', 'moniker.spinnaker.io/cluster': 'deployment web' } },
      spec: { replicas: 2 }, status: { observedGeneration: 2, updatedReplicas: 1 },
    };
    const view = manifestView(deployment, 'shop', 'k8s');
    expect(view).toMatchObject({ cluster: 'deployment web', stable: false, status: 'waiting: waiting for all replicas to be updated (1 of 2)' });
    expect(view).not.toHaveProperty('version');
    expect(view).not.toHaveProperty('namespace');
  });

  it('leaves out objects of other applications and objects without a moniker', () => {
    expect(manifestView({ kind: 'Service', metadata: { name: 'web', annotations } }, 'other', 'k8s')).toBeUndefined();
    expect(manifestView({ kind: 'Service', metadata: { name: 'web' } }, 'shop', 'k8s')).toBeUndefined();
  });
});

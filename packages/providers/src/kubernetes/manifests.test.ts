import { describe, expect, it } from 'vitest';
import type { ServerGroupSpec } from '../CloudProvider';
import { buildClusterService, buildDeployment, buildServerGroupService, pinImage } from './manifests';
import { kubernetesServerGroupSettingsSchema } from './settings';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const spec: ServerGroupSpec = {
  account: 'k8s',
  application: 'checkout',
  cluster: 'checkout-prod',
  name: 'checkout-prod-v001',
  image: 'registry.example/checkout:1.2.3',
  capacity: { min: 1, max: 5, desired: 3 },
};

function settings(input: unknown = {}) {
  return kubernetesServerGroupSettingsSchema.parse(input);
}

describe('pinImage', () => {
  it('pins a tag by digest and keeps references that are already pinned', () => {
    expect(pinImage('repo/app:1', DIGEST)).toBe(`repo/app:1@${DIGEST}`);
    expect(pinImage(`repo/app@${DIGEST}`)).toBe(`repo/app@${DIGEST}`);
    expect(pinImage(`repo/app@${DIGEST}`, DIGEST)).toBe(`repo/app@${DIGEST}`);
    expect(pinImage('repo/app:1')).toBe('repo/app:1');
    expect(() => pinImage(`repo/app@${DIGEST}`, `sha256:${'b'.repeat(64)}`)).toThrow(/another digest/);
  });
});

describe('buildDeployment', () => {
  it('labels, selects by server group only, and records capacity and image', () => {
    const deployment = buildDeployment({ spec: { ...spec, tags: { team: 'payments' } }, namespace: 'ns1', settings: settings({ imageDigest: DIGEST }) });
    const identity = {
      'app.kubernetes.io/name': 'checkout',
      'app.kubernetes.io/managed-by': 'gantry',
      'gantry.io/cluster': 'checkout-prod',
      'gantry.io/server-group': 'checkout-prod-v001',
    };
    expect(deployment.metadata).toEqual({
      name: 'checkout-prod-v001',
      namespace: 'ns1',
      labels: identity,
      annotations: {
        team: 'payments',
        'gantry.io/image': `registry.example/checkout:1.2.3@${DIGEST}`,
        'gantry.io/capacity-min': '1',
        'gantry.io/capacity-max': '5',
        'gantry.io/enabled': 'true',
      },
    });
    expect(deployment.spec?.replicas).toBe(3);
    expect(deployment.spec?.selector).toEqual({ matchLabels: { 'gantry.io/server-group': 'checkout-prod-v001' } });
    expect(deployment.spec?.template.metadata?.labels).toEqual({ ...identity, 'gantry.io/traffic': 'enabled' });
    const [container] = deployment.spec?.template.spec?.containers ?? [];
    expect(container).toEqual({
      name: 'checkout',
      image: `registry.example/checkout:1.2.3@${DIGEST}`,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    });
  });

  it('renders settings: port, env, resources, probe, container name; disabled groups start out of traffic', () => {
    const deployment = buildDeployment({
      spec: { ...spec, enabled: false },
      namespace: 'ns1',
      settings: settings({
        containerPort: 9000,
        containerName: 'web',
        env: { MODE: 'prod' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: 256 } },
        readinessProbe: { httpGet: { path: '/ready' }, periodSeconds: 5 },
      }),
    });
    expect(deployment.spec?.template.metadata?.labels?.['gantry.io/traffic']).toBe('disabled');
    expect(deployment.metadata?.annotations?.['gantry.io/enabled']).toBe('false');
    expect(deployment.spec?.template.spec?.containers[0]).toEqual({
      name: 'web',
      image: 'registry.example/checkout:1.2.3',
      ports: [{ name: 'http', containerPort: 9000, protocol: 'TCP' }],
      env: [{ name: 'MODE', value: 'prod' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256' } },
      readinessProbe: { periodSeconds: 5, httpGet: { path: '/ready', port: 9000 } },
    });
  });
});

describe('settings schema', () => {
  it('refuses unknown keys and bad values, naming them', () => {
    expect(() => settings({ containerport: 80 })).toThrow(/containerport/);
    expect(() => settings({ containerPort: 0 })).toThrow();
    expect(() => settings({ imageDigest: 'sha256:short' })).toThrow(/64 hex/);
    expect(() => settings({ readinessProbe: { periodSeconds: 3 } })).toThrow(/exactly one/);
    expect(settings({ env: [{ name: 'A', value: 'b' }] }).env).toEqual([{ name: 'A', value: 'b' }]);
  });
});

describe('services and routes', () => {
  it('the cluster Service selects enabled pods of the cluster', () => {
    const service = buildClusterService({ application: 'checkout', cluster: 'checkout-prod', namespace: 'ns1', port: 8080 });
    expect(service.metadata?.name).toBe('checkout-prod');
    expect(service.spec?.selector).toEqual({ 'gantry.io/cluster': 'checkout-prod', 'gantry.io/traffic': 'enabled' });
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
  });

  it('a server group Service selects that group and is owned by its Deployment', () => {
    const service = buildServerGroupService({ application: 'checkout', cluster: 'checkout-prod', namespace: 'ns1', port: 80, serverGroup: 'checkout-prod-v002', owner: { name: 'checkout-prod-v002', uid: 'u-1' } });
    expect(service.spec?.selector).toEqual({ 'gantry.io/server-group': 'checkout-prod-v002' });
    expect(service.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-prod-v002', uid: 'u-1', blockOwnerDeletion: false }]);
  });
});

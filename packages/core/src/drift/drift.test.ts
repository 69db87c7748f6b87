import { describe, expect, it } from 'vitest';
import { adoptLive, driftNotification, driftOf, driftTransition, manifestDrift, readManifestFiles, serverGroupResource, serverGroupState } from './drift';

const desired = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'gantry.io/content-hash': 'sha256:1' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'registry.local/web:1', ports: [{ containerPort: 8080 }], args: ['--port', '8080'] },
          { name: 'sidecar', image: 'registry.local/proxy:1' },
        ],
      },
    },
  },
};

interface Container {
  name: string;
  image: string;
  args?: string[];
}
type Live = Record<string, unknown> & {
  metadata: { labels: Record<string, string | undefined>; annotations: Record<string, string>; uid?: string };
  spec: { replicas: number; strategy?: unknown; template: { spec: { containers: Container[] } } };
};

/** What an API server answers for it: defaults, status, server metadata, a controller's annotation, containers in another order. */
function liveOf(change: (live: Live) => void = () => undefined): Live {
  const live: Live = structuredClone({
    ...desired,
    metadata: {
      ...desired.metadata,
      namespace: 'prod',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-12-01T00:00:00Z',
      managedFields: [{ manager: 'gantry', operation: 'Apply' }],
      annotations: { ...desired.metadata.annotations, 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      ...desired.spec,
      strategy: { type: 'RollingUpdate' },
      revisionHistoryLimit: 10,
      template: {
        ...desired.spec.template,
        spec: {
          restartPolicy: 'Always',
          containers: [
            { name: 'sidecar', image: 'registry.local/proxy:1', imagePullPolicy: 'IfNotPresent' },
            { name: 'web', image: 'registry.local/web:1', ports: [{ containerPort: 8080, protocol: 'TCP' }], args: ['--port', '8080'], terminationMessagePath: '/dev/termination-log' },
          ],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2, observedGeneration: 3 },
  });
  change(live);
  return live;
}

describe('manifestDrift', () => {
  it('ignores what the server fills in: status, server metadata, defaults, added annotations, list order by merge key', () => {
    expect(manifestDrift(desired, liveOf())).toEqual([]);
    expect(driftOf(desired, liveOf()).state).toBe('in-sync');
  });

  it('reports a scale and a changed image as exactly those two fields, containers matched by name', () => {
    const live = liveOf((object) => {
      object.spec.replicas = 5;
      (object.spec.template.spec.containers[1] as Container).image = 'registry.local/web:2';
    });
    expect(driftOf(desired, live)).toEqual({
      state: 'drifted',
      fields: [
        { path: 'spec.replicas', desired: 2, live: 5 },
        { path: 'spec.template.spec.containers[name=web].image', desired: 'registry.local/web:1', live: 'registry.local/web:2' },
      ],
    });
  });

  it('names a removed label, a removed container, a changed atomic list and an annotation key with dots', () => {
    const live = liveOf((object) => {
      object.metadata.labels.app = undefined;
      object.metadata.annotations['gantry.io/content-hash'] = 'sha256:2';
      const web = object.spec.template.spec.containers[1] as Container;
      object.spec.template.spec.containers = [{ ...web, args: ['--port', '9090'] }];
    });
    expect(manifestDrift(desired, live).map((field) => field.path)).toEqual([
      'metadata.labels.app',
      'metadata.annotations["gantry.io/content-hash"]',
      'spec.template.spec.containers[name=web].args[1]',
      'spec.template.spec.containers[name=sidecar]',
    ]);
  });

  it('treats a number and its text as one value (int-or-string ports, quantities) and a missing object as missing', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    const live = { ...service, spec: { clusterIP: '10.0.0.1', ports: [{ port: 80, targetPort: '8080', protocol: 'TCP' }] } };
    expect(manifestDrift(service, live)).toEqual([]);
    expect(driftOf(service, null)).toEqual({ state: 'missing', fields: [] });
  });

  it('does not let a manifest copied from the server (status, uid in git) drift on those fields', () => {
    const copied = { ...desired, metadata: { ...desired.metadata, uid: 'other', resourceVersion: '1' }, status: { replicas: 9 } };
    expect(manifestDrift(copied, liveOf())).toEqual([]);
  });
});

describe('driftTransition', () => {
  const t0 = new Date('2026-12-06T00:00:00Z');
  const t1 = new Date('2026-12-06T00:01:00Z');
  it('announces each change between in sync and out of sync once, and keeps the start of a state', () => {
    expect(driftTransition(undefined, 'in-sync', t0)).toEqual({ since: t0, event: undefined });
    expect(driftTransition(undefined, 'drifted', t0)).toEqual({ since: t0, event: 'DRIFT_DETECTED' });
    expect(driftTransition({ state: 'in-sync', since: t0 }, 'drifted', t1)).toEqual({ since: t1, event: 'DRIFT_DETECTED' });
    expect(driftTransition({ state: 'drifted', since: t0 }, 'drifted', t1)).toEqual({ since: t0, event: undefined });
    expect(driftTransition({ state: 'drifted', since: t0 }, 'missing', t1)).toEqual({ since: t0, event: undefined });
    expect(driftTransition({ state: 'missing', since: t0 }, 'in-sync', t1)).toEqual({ since: t1, event: 'DRIFT_CLEARED' });
  });
});

describe('driftNotification', () => {
  it('lists each field with both values', () => {
    const message = driftNotification({ account: 'k8s', namespace: 'prod', kind: 'Deployment', name: 'web' }, 'drifted', [{ path: 'spec.replicas', desired: 2, live: 5 }]);
    expect(message.subject).toBe('Drift: Deployment web changed outside Gantry');
    expect(message.text).toContain('• spec.replicas: desired 2, live 5');
    expect(driftNotification({ account: 'k8s', namespace: '', kind: 'Namespace', name: 'x' }, 'in-sync', []).subject).toBe('Drift cleared: Namespace x');
  });
});

describe('readManifestFiles', () => {
  it('reads multi-document YAML, JSON and Lists, and names what it cannot read', () => {
    const reading = readManifestFiles([
      { path: 'k8s/app.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n---\n' },
      { path: 'k8s/list.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }] }) },
      { path: 'k8s/broken.yaml', text: 'kind: [' },
      { path: 'k8s/nameless.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' },
    ]);
    expect(reading.manifests.map((manifest) => `${manifest.kind} ${manifest.metadata.name}`)).toEqual(['ConfigMap a', 'Service b', 'Secret c']);
    expect(reading.problems.map((problem) => problem.path)).toEqual(['k8s/broken.yaml', 'k8s/nameless.yaml']);
    expect(reading.problems[1]?.message).toMatch(/metadata.name is missing/);
  });
});

describe('adoptLive', () => {
  it("takes the live values of the desired manifest's fields and the containers a stage added, nothing the server defaulted", () => {
    const live = liveOf((object) => {
      object.spec.replicas = 4;
      object.spec.template.spec.containers.push({ name: 'debug', image: 'busybox' });
    });
    const adopted = adoptLive(desired, live) as Live;
    expect(manifestDrift(adopted, live)).toEqual([]);
    expect(adopted).toMatchObject({ spec: { replicas: 4 } });
    expect(adopted.spec.strategy).toBeUndefined();
    expect(adopted.metadata.uid).toBeUndefined();
    expect(adopted.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'sidecar', 'debug']);
    expect(adopted.spec.template.spec.containers[0]).toEqual(desired.spec.template.spec.containers[0]);
  });
});

describe('server group drift', () => {
  const aws = { capacity: { min: 1, max: 6, desired: 3 }, image: 'ami-1', template: { type: 'launchTemplate' as const, name: 'shop-web-v000', version: '1' } };
  const gcp = { capacity: { min: 2, max: 4, desired: 2 }, image: 'images/web-1', template: { type: 'instanceTemplate' as const, name: 'shop-web-v000-1a2b' } };

  it('states capacity, image and the template under its cloud name, and keys the group by account, location and name', () => {
    expect(serverGroupState(aws)).toEqual({ capacity: { min: 1, max: 6, desired: 3 }, image: 'ami-1', launchTemplate: { name: 'shop-web-v000', version: '1' } });
    expect(serverGroupState(gcp)).toEqual({ capacity: { min: 2, max: 4, desired: 2 }, image: 'images/web-1', instanceTemplate: { name: 'shop-web-v000-1a2b' } });
    expect(serverGroupState({ capacity: aws.capacity, image: 'x' })).toEqual({ capacity: aws.capacity, image: 'x' });
    expect(serverGroupResource({ account: 'aws', location: 'us-east-1', name: 'shop-web-v000' })).toEqual({ account: 'aws', namespace: 'us-east-1', kind: 'ServerGroup', name: 'shop-web-v000' });
  });

  it('reports a capacity and a launch template version changed outside Gantry as those fields, nothing for health or instances', () => {
    const live = { ...aws, capacity: { ...aws.capacity, desired: 5 }, template: { ...aws.template, version: '2' }, health: { up: 5 } };
    expect(driftOf(serverGroupState(aws), serverGroupState(live))).toEqual({
      state: 'drifted',
      fields: [
        { path: 'capacity.desired', desired: 3, live: 5 },
        { path: 'launchTemplate.version', desired: '1', live: '2' },
      ],
    });
    expect(driftOf(serverGroupState(aws), serverGroupState({ ...aws, health: { up: 0 } } as typeof aws))).toEqual({ state: 'in-sync', fields: [] });
  });

  it('reports another instance template, a group gone as missing, and a group seen without a template as the template absent', () => {
    const other = { ...gcp, template: { type: 'instanceTemplate' as const, name: 'hand-made' } };
    expect(driftOf(serverGroupState(gcp), serverGroupState(other)).fields).toEqual([{ path: 'instanceTemplate.name', desired: 'shop-web-v000-1a2b', live: 'hand-made' }]);
    expect(driftOf(serverGroupState(gcp), null)).toEqual({ state: 'missing', fields: [] });
    expect(driftOf(serverGroupState(gcp), serverGroupState({ capacity: gcp.capacity, image: gcp.image })).fields).toEqual([{ path: 'instanceTemplate', desired: { name: 'shop-web-v000-1a2b' }, live: undefined }]);
  });

  it('takes what a Gantry resize left as the new desired state (adoptLive), the template kept', () => {
    expect(adoptLive(serverGroupState(aws), serverGroupState({ ...aws, capacity: { min: 0, max: 6, desired: 0 } }))).toEqual(serverGroupState({ ...aws, capacity: { min: 0, max: 6, desired: 0 } }));
  });

  it('words the notification with the location', () => {
    const resource = serverGroupResource({ account: 'aws', location: 'us-east-1', name: 'shop-web-v000' });
    expect(driftNotification(resource, 'drifted', [{ path: 'capacity.desired', desired: 3, live: 5 }]).text).toBe(
      'ServerGroup shop-web-v000 in us-east-1 (account aws) differs from its desired state:\n• capacity.desired: desired 3, live 5',
    );
  });
});

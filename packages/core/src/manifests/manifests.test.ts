import { describe, expect, it } from 'vitest';
import { checkManifest, canonicalJson, ManifestProblem, type Manifest } from './manifest';
import { withMoniker } from './moniker';
import { pickByCriteria } from './selection';
import { stabilityOf } from './stability';
import { bindImages, decideVersion, deployStrategy, imageArtifactOf, isVersioned, rewriteReferences, versionOf, versionsToPrune } from './versioning';

const manifest = (kind: string, name: string, extra: Record<string, unknown> = {}): Manifest => ({ apiVersion: 'v1', kind, metadata: { name }, ...extra });

describe('manifest checks', () => {
  it('names the manifest and what is missing', () => {
    expect(() => checkManifest({ apiVersion: 'v1', metadata: { name: 'x' } }, 2)).toThrow(new ManifestProblem('manifests[2] (<no kind> x): kind is missing'));
    expect(() => checkManifest({ kind: 'Service', metadata: { name: 'x' } }, 0)).toThrow('manifests[0] (Service x): apiVersion is missing');
    expect(() => checkManifest({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'job-' } }, 0)).toThrow(/metadata.name is missing \(generateName is not deployable/);
    expect(() => checkManifest('kind: Service', 1)).toThrow('manifests[1]: a manifest must be an object');
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });
});

describe('versioning', () => {
  it('versions ConfigMaps, Secrets, ReplicaSets and Pods unless the strategy annotation says otherwise', () => {
    expect(isVersioned(manifest('ConfigMap', 'c'))).toBe(true);
    expect(isVersioned(manifest('Deployment', 'd'))).toBe(false);
    expect(isVersioned(manifest('ConfigMap', 'c', { metadata: { name: 'c', annotations: { 'strategy.spinnaker.io/versioned': 'false' } } }))).toBe(false);
    expect(isVersioned(manifest('Deployment', 'd', { metadata: { name: 'd', annotations: { 'strategy.spinnaker.io/versioned': 'true' } } }))).toBe(true);
  });

  it('reuses a version with the same content, else takes the next sequence', () => {
    expect(decideVersion('cfg', 'h1', [])).toEqual({ name: 'cfg-v000', sequence: 0, reuse: false });
    const existing = [{ name: 'cfg-v000', contentHash: 'h1' }, { name: 'cfg-v001', contentHash: 'h2' }, { name: 'cfg-other-v005', contentHash: 'h3' }];
    expect(decideVersion('cfg', 'h1', existing)).toEqual({ name: 'cfg-v000', sequence: 0, reuse: true });
    expect(decideVersion('cfg', 'h9', existing)).toEqual({ name: 'cfg-v002', sequence: 2, reuse: false });
    expect(decideVersion('cfg', 'h9', [{ name: 'cfg-v999', contentHash: 'x' }])).toMatchObject({ name: 'cfg-v000' });
    expect(versionOf('cfg-v012', 'cfg')).toBe(12);
    expect(versionOf('cfg-other-v005', 'cfg')).toBeUndefined();
  });

  it('prunes versions past max-version-history, newest kept', () => {
    expect(versionsToPrune('cfg', ['cfg-v000', 'cfg-v002', 'cfg-v001'], 2)).toEqual(['cfg-v000']);
    expect(versionsToPrune('cfg', ['cfg-v000'], undefined)).toEqual([]);
  });

  it('rewrites every kind of reference to a renamed ConfigMap or Secret, and nothing else', () => {
    const deployment = manifest('Deployment', 'web', {
      spec: {
        template: {
          spec: {
            imagePullSecrets: [{ name: 'pull' }],
            volumes: [{ name: 'a', configMap: { name: 'cfg' } }, { name: 'b', secret: { secretName: 'creds' } }, { name: 'c', projected: { sources: [{ configMap: { name: 'cfg' } }] } }],
            containers: [{
              name: 'web',
              envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' } }],
              env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }, { name: 'Y', valueFrom: { secretKeyRef: { name: 'other', key: 'y' } } }],
            }],
          },
        },
      },
    });
    const rewritten = JSON.stringify(rewriteReferences(deployment, [
      { kind: 'ConfigMap', from: 'cfg', to: 'cfg-v003' },
      { kind: 'Secret', from: 'creds', to: 'creds-v001' },
      { kind: 'Secret', from: 'pull', to: 'pull-v000' },
    ]));
    expect(rewritten.match(/cfg-v003/g)).toHaveLength(4);
    expect(rewritten.match(/creds-v001/g)).toHaveLength(2);
    expect(rewritten).toContain('"imagePullSecrets":[{"name":"pull-v000"}]');
    expect(rewritten).toContain('"secretKeyRef":{"name":"other"');
    // A ConfigMap rename does not touch a Secret of the same name.
    expect(JSON.stringify(rewriteReferences(deployment, [{ kind: 'ConfigMap', from: 'creds', to: 'creds-v009' }]))).not.toContain('creds-v009');
  });

  it('binds docker images by repository, with any tag or none', () => {
    const pod = manifest('Pod', 'p', { spec: { initContainers: [{ name: 'i', image: 'gcr.io/x/app' }], containers: [{ name: 'a', image: 'gcr.io/x/app:old' }, { name: 'b', image: 'gcr.io/x/application:1' }] } });
    const { manifest: bound, bound: images } = bindImages(pod, [{ name: 'gcr.io/x/app', reference: 'gcr.io/x/app:1.2.3' }]);
    expect(images).toEqual(['gcr.io/x/app:1.2.3', 'gcr.io/x/app:1.2.3']);
    expect(JSON.stringify(bound)).toContain('gcr.io/x/application:1');
  });
});

describe('deploy strategy', () => {
  const annotated = (annotations: Record<string, string>) => manifest('Deployment', 'd', { metadata: { name: 'd', annotations } });
  it('applies unless strategy.spinnaker.io/recreate or replace says true', () => {
    expect(deployStrategy(manifest('Deployment', 'd'))).toBe('apply');
    expect(deployStrategy(annotated({ 'strategy.spinnaker.io/recreate': 'true' }))).toBe('recreate');
    expect(deployStrategy(annotated({ 'strategy.spinnaker.io/replace': 'True' }))).toBe('replace');
    expect(deployStrategy(annotated({ 'strategy.spinnaker.io/replace': 'yes', 'strategy.spinnaker.io/recreate': 'false' }))).toBe('apply');
  });
  it('lets recreate win over replace, as clouddriver does', () => {
    expect(deployStrategy(annotated({ 'strategy.spinnaker.io/recreate': 'true', 'strategy.spinnaker.io/replace': 'true' }))).toBe('recreate');
  });
});

describe('docker image artifacts', () => {
  it('splits name and version at the tag or digest, not at a registry port', () => {
    expect(imageArtifactOf('localhost:5000/app:1.2')).toEqual({ type: 'docker/image', name: 'localhost:5000/app', reference: 'localhost:5000/app:1.2', version: '1.2' });
    expect(imageArtifactOf('localhost:5000/app')).toEqual({ type: 'docker/image', name: 'localhost:5000/app', reference: 'localhost:5000/app' });
    expect(imageArtifactOf('app@sha256:abc')).toMatchObject({ name: 'app', version: 'sha256:abc' });
  });
});

describe('moniker', () => {
  it('annotates the object and its pod template; labels a manifest sets win', () => {
    const labelled = withMoniker(manifest('Deployment', 'web', { metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'mine' } }, spec: { template: { metadata: { labels: { app: 'web' } } } } }), { app: 'shop' }, 'gantry');
    expect(labelled.metadata).toMatchObject({
      labels: { 'app.kubernetes.io/name': 'mine', 'app.kubernetes.io/managed-by': 'gantry' },
      annotations: { 'moniker.spinnaker.io/application': 'shop', 'moniker.spinnaker.io/cluster': 'deployment web' },
    });
    expect(labelled.spec).toMatchObject({ template: { metadata: { labels: { app: 'web', 'app.kubernetes.io/name': 'shop' }, annotations: { 'moniker.spinnaker.io/cluster': 'deployment web' } } } });
  });
});

describe('stability', () => {
  const deployment = (status: Record<string, unknown>, generation = 2) => ({ kind: 'Deployment', metadata: { generation }, spec: { replicas: 2 }, status: { observedGeneration: 2, ...status } });

  it("follows Spinnaker's Deployment rules", () => {
    expect(stabilityOf(deployment({}, 3))).toEqual({ state: 'waiting', reason: 'waiting for status generation to match updated object generation' });
    expect(stabilityOf(deployment({ updatedReplicas: 1 }))).toMatchObject({ state: 'waiting', reason: 'waiting for all replicas to be updated (1 of 2)' });
    expect(stabilityOf(deployment({ updatedReplicas: 2, replicas: 3 }))).toMatchObject({ reason: 'waiting for old replicas to finish termination (1 left)' });
    expect(stabilityOf(deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 2, readyReplicas: 2 }))).toEqual({ state: 'stable' });
    expect(stabilityOf(deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] }))).toEqual({
      state: 'failed', reason: 'deployment exceeded its progress deadline: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('fails Jobs and Pods that failed; kinds without rules are stable', () => {
    expect(stabilityOf({ kind: 'Job', status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } })).toEqual({ state: 'failed', reason: 'job failed: Job has reached the specified backoff limit' });
    expect(stabilityOf({ kind: 'Job', status: {} })).toMatchObject({ state: 'waiting' });
    expect(stabilityOf({ kind: 'Pod', status: { phase: 'Failed' } })).toMatchObject({ state: 'failed' });
    expect(stabilityOf({ kind: 'Service' })).toEqual({ state: 'stable' });
  });
});

describe('dynamic targets', () => {
  const rs = (name: string, created: string, replicas: number) => ({ metadata: { name, creationTimestamp: created }, spec: { replicas } });
  const members = [rs('a', '2026-01-01T00:00:00Z', 3), rs('b', '2026-01-03T00:00:00Z', 1), rs('c', '2026-01-02T00:00:00Z', 5)];

  it('picks by Spinnaker criteria', () => {
    expect(pickByCriteria(members, 'newest')?.metadata.name).toBe('b');
    expect(pickByCriteria(members, 'second_newest')?.metadata.name).toBe('c');
    expect(pickByCriteria(members, 'oldest')?.metadata.name).toBe('a');
    expect(pickByCriteria(members, 'largest')?.metadata.name).toBe('c');
    expect(pickByCriteria(members, 'smallest')?.metadata.name).toBe('b');
    expect(pickByCriteria([], 'newest')).toBeUndefined();
  });
});

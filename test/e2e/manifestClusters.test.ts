/**
 * Issue 17: what manifest stages deployed appears in the clusters API beside server groups, read
 * live from the Kubernetes fake: versions deployed since appear, deleted objects and other
 * applications' objects do not, and each says whether it is stable by Spinnaker's per-kind rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { outcomeOf, savedPipeline, SUCCEEDED } from '../support/cloudStages';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { kubectl } from '../support/kubeTools';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, kubernetesAccount, testRegistry } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface Deployed {
  kind: string;
  name: string;
  namespace?: string;
  account: string;
  cluster: string;
  version?: number;
  stable: boolean;
  status: string;
  createdAt?: string;
}

const configMap = (greeting: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'board-config' }, data: { greeting } });
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'board' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'board' } },
    template: { metadata: { labels: { app: 'board' } }, spec: { containers: [{ name: 'board', image: 'registry.local/board:1', envFrom: [{ configMapRef: { name: 'board-config' } }] }] } },
  },
};
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'board' }, spec: { selector: { app: 'board' }, ports: [{ port: 80 }] } };

describe(`deployed manifests in the clusters API (Kubernetes fake, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 20 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const listed = async (application: string) => {
    const answer = await gantry.request<{ clusters: unknown[]; manifests: Deployed[] }>('GET', `/api/v1/applications/${application}/clusters`);
    expect(answer.status).toBe(200);
    return answer.body.manifests;
  };

  it('lists each deployed object with its moniker cluster, version, stability and creation time, live', async () => {
    const deploy = await savedPipeline(gantry, 'board', [{
      refId: 'deploy', type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text',
      moniker: { app: 'board' }, manifests: ['${parameters.greeting}', deployment, service].map((m) => (typeof m === 'string' ? configMap(m) : m)),
    }]);
    expect(outcomeOf(await deploy({ greeting: 'hello' }))).toEqual(SUCCEEDED);
    expect(outcomeOf(await deploy({ greeting: 'bonjour' }))).toEqual(SUCCEEDED);
    // Another application's object in the same namespace, of a kind this one deployed.
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'gantry-')), 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', annotations: { 'moniker.spinnaker.io/application': 'other' } }, data: { a: 'b' } }));
    await kubectl(fake.url, ['--namespace', NAMESPACE, 'apply', '--server-side', '--validate=false', '-f', elsewhere]);

    const manifests = await listed('board');
    expect(manifests.map(({ kind, name, namespace, account, cluster, version, stable, status }) => ({ kind, name, namespace, account, cluster, version, stable, status }))).toEqual([
      { kind: 'ConfigMap', name: 'board-config-v001', namespace: NAMESPACE, account: 'k8s', cluster: 'configMap board-config', version: 1, stable: true, status: 'stable' },
      { kind: 'ConfigMap', name: 'board-config-v000', namespace: NAMESPACE, account: 'k8s', cluster: 'configMap board-config', version: 0, stable: true, status: 'stable' },
      { kind: 'Deployment', name: 'board', namespace: NAMESPACE, account: 'k8s', cluster: 'deployment board', version: undefined, stable: true, status: 'stable' },
      { kind: 'Service', name: 'board', namespace: NAMESPACE, account: 'k8s', cluster: 'service board', version: undefined, stable: true, status: 'stable' },
    ]);
    for (const manifest of manifests) expect(Number.isNaN(Date.parse(manifest.createdAt ?? ''))).toBe(false);

    // Live, not recorded: a deleted version goes, a Deployment scaled past what is ready is not stable.
    await kubectl(fake.url, ['--namespace', NAMESPACE, 'delete', 'configmap', 'board-config-v000']);
    fake.failReadiness(() => true);
    await kubectl(fake.url, ['--namespace', NAMESPACE, 'scale', 'deployment', 'board', '--replicas=3']);
    const now = await listed('board');
    expect(now.map((m) => m.name)).not.toContain('board-config-v000');
    expect(now.find((m) => m.kind === 'Deployment')).toMatchObject({ stable: false, status: expect.stringMatching(/^waiting: waiting for all replicas to be (updated|available|ready)/) as unknown });
    fake.failReadiness(null);
    expect(await listed('other')).toEqual([]);
  });
});

/** The real kubectl (1.35, from the dev dependency: test/support/kubeTools.ts) against the fake: discovery, protobuf creates, scale, table printing, delete. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeTool } from '../../support/kubeTools';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { eventually } from './testSupport';

const run = promisify(execFile);

let fake: FakeKubernetes;
let home: string;

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'fake-k8s-kubectl-'));
  // An empty kubeconfig: kubectl must not read (or write) the user's own.
  writeFileSync(join(home, 'config'), '');
});
afterAll(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(kubeTool('kubectl'), ['--server', fake.url, '--cache-dir', join(home, 'cache'), '--namespace', 'default', ...args], {
    env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: join(home, 'config') },
    timeout: 30_000,
  });
  return stdout;
}

interface ListJson {
  items: { metadata: { name: string; labels?: Record<string, string> }; spec?: { replicas?: number }; status?: { readyReplicas?: number; phase?: string } }[];
}

async function getJson(...args: string[]): Promise<ListJson> {
  return JSON.parse(await kubectl('get', ...args, '-o', 'json')) as ListJson;
}

describe.sequential('kubectl against the fake', () => {
  it('creates a deployment (kubectl sends protobuf) and lists it as JSON', async () => {
    expect(await kubectl('create', 'deployment', 'web', '--image=nginx')).toContain('deployment.apps/web created');
    const list = await getJson('deployments');
    expect(list.items.map((d) => d.metadata.name)).toContain('web');
    expect(fake.requests().some((r) => r.method === 'POST' && r.contentType === 'application/vnd.kubernetes.protobuf')).toBe(true);
  });

  it('scales it to 3 and the pods become ready', async () => {
    expect(await kubectl('scale', 'deployment', 'web', '--replicas=3')).toContain('deployment.apps/web scaled');
    const [web] = (await getJson('deployment', '--field-selector', 'metadata.name=web')).items;
    expect(web?.spec?.replicas).toBe(3);
    await eventually(async () => ((await getJson('deployments')).items.find((d) => d.metadata.name === 'web')?.status?.readyReplicas === 3 ? true : undefined), 10_000);
    const pods = await getJson('pods', '-l', 'app=web');
    expect(pods.items).toHaveLength(3);
    expect(pods.items.every((p) => p.status?.phase === 'Running' && p.metadata.name.startsWith('web-'))).toBe(true);
  });

  it('prints tables like a cluster', async () => {
    const table = await kubectl('get', 'pods', '-l', 'app=web');
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(table).toMatch(/web-\S+\s+1\/1\s+Running\s+0/);
    expect(await kubectl('get', 'deploy', 'web')).toMatch(/web\s+3\/3\s+3\s+3/);
  });

  it('edits with set image (strategic merge patch) and patch --type merge', async () => {
    await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.27');
    await kubectl('patch', 'deployment', 'web', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"frontend"}}}');
    const deployment = JSON.parse(await kubectl('get', 'deployment', 'web', '-o', 'json')) as { metadata: { labels: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(deployment.metadata.labels.tier).toBe('frontend');
  });

  it('lists the ReplicaSets of each revision and rolls back with rollout undo', async () => {
    const replicaSets = JSON.parse(await kubectl('get', 'rs', '-l', 'app=web', '-o', 'json')) as { items: { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } }[] };
    expect(replicaSets.items.map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.template.spec.containers[0]?.image]).sort()).toEqual([['1', 'nginx'], ['2', 'nginx:1.27']]);
    expect(await kubectl('rollout', 'history', 'deployment/web')).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('deployment.apps/web rolled back');
    const deployment = JSON.parse(await kubectl('get', 'deployment', 'web', '-o', 'json')) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('nginx');
    // The template of revision 1 comes back as revision 3, as in a cluster.
    await eventually(async () => (/\n2\s+<none>\n3\s+<none>/.test(await kubectl('rollout', 'history', 'deployment/web')) ? true : undefined), 10_000);
  });

  it('creates a service and server-side-applies an HTTPRoute', async () => {
    expect(await kubectl('create', 'service', 'clusterip', 'web', '--tcp=80:8080')).toContain('service/web created');
    const manifest = join(home, 'route.yaml');
    writeFileSync(manifest, [
      'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata: {name: web}',
      'spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: web, port: 80, weight: 100}]}]}',
    ].join('\n'));
    // No OpenAPI document is served: client-side validation has to be off.
    expect(await kubectl('apply', '--server-side', '--validate=false', '-f', manifest)).toContain('httproute.gateway.networking.k8s.io/web serverside-applied');
    expect((await getJson('httproutes')).items.map((r) => r.metadata.name)).toEqual(['web']);
    expect((await getJson('services')).items.map((s) => s.metadata.name)).toEqual(['web']);
  });

  it('deletes the deployment and its pods', async () => {
    expect(await kubectl('delete', 'deployment', 'web')).toContain('deployment.apps "web" deleted');
    expect((await getJson('deployments')).items).toEqual([]);
    await eventually(async () => ((await getJson('pods', '-l', 'app=web')).items.length === 0 ? true : undefined), 10_000);
  });
});

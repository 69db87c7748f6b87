import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes, type KubeObject } from '../../../../test/fakes/kubernetes';
import { readUntil } from '../../../../test/support/eventually';
import { parseAccounts } from '../accounts';
import type { CloudProvider, ServerGroupSpec } from '../CloudProvider';
import { ProviderError, isProviderError } from '../errors';
import { ProviderRegistry } from '../ProviderRegistry';
import type { RetryOptions } from '../retry';
import { KubernetesProvider } from './KubernetesProvider';

/**
 * The provider through the registry (so with its retrying wrapper) and the real
 * @kubernetes/client-node, against the stateful fake API server.
 */

const NAMESPACE = 'ns1';
const READY_DELAY_MS = 150;

let fake: FakeKubernetes;
let waits: number[];
let registry: ProviderRegistry;
let serial = 0;

function accountsYaml(url: string): string {
  return `
accounts:
  - name: k8s-test
    provider: kubernetes
    server: ${url}
    token: { env: FAKE_K8S_TOKEN }
    namespace: ${NAMESPACE}
  - name: k8s-gateway
    provider: kubernetes
    server: ${url}
    namespace: ${NAMESPACE}
    traffic:
      mode: gatewayHttpRoute
      httpRoute: { parentRefs: [{ name: public, namespace: gateways }] }
  - name: k8s-down
    provider: kubernetes
    server: http://127.0.0.1:1
`;
}

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: READY_DELAY_MS });
  waits = [];
  const retry: RetryOptions = {
    attempts: 4,
    baseDelayMs: 10,
    maxDelayMs: 2_000,
    // Recorded, not slept: the fake's 429 asks for one second.
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  registry = new ProviderRegistry(parseAccounts(accountsYaml(fake.url), 'accounts.yaml'), {}, { retry, env: { FAKE_K8S_TOKEN: 'fake-token' } });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.clearFaults();
  fake.failReadiness(null);
  fake.setReadyDelay(READY_DELAY_MS);
  waits.length = 0;
});

function provider(account = 'k8s-test'): CloudProvider {
  return registry.forAccount(account).provider;
}

/** A fresh cluster per test, so tests share the fake without seeing each other's groups. */
function newCluster(): { application: string; cluster: string; group: (sequence: number, overrides?: Partial<ServerGroupSpec>) => ServerGroupSpec } {
  const application = `app${++serial}`;
  const cluster = `${application}-prod`;
  return {
    application,
    cluster,
    group: (sequence, overrides = {}) => ({
      account: 'k8s-test',
      application,
      cluster,
      name: `${cluster}-v${String(sequence).padStart(3, '0')}`,
      image: `registry.example/${application}:1.0.${sequence}`,
      capacity: { min: 1, max: 4, desired: 2 },
      settings: { containerPort: 8080 },
      ...overrides,
    }),
  };
}

function labelsOf(object: KubeObject | undefined): Record<string, string> {
  return (object?.metadata.labels ?? {}) as Record<string, string>;
}

/** The pods the cluster's Service would send traffic to, as its selector picks them. */
function servicePods(cluster: string): KubeObject[] {
  const service = fake.state.get('services', cluster, NAMESPACE);
  const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
  expect(Object.keys(selector).length).toBeGreaterThan(0);
  return fake.state
    .list('pods', NAMESPACE)
    .filter((pod) => !pod.metadata.deletionTimestamp && Object.entries(selector).every(([key, value]) => labelsOf(pod)[key] === value));
}

function serverGroupOf(pod: KubeObject): string {
  return labelsOf(pod)['gantry.io/server-group'] ?? '';
}

describe('KubernetesProvider against the fake API server', () => {
  it('creates a server group idempotently, with its cluster Service', async () => {
    const { cluster, group } = newCluster();
    const spec = group(1);
    const first = await provider().createServerGroup(spec);
    const second = await provider().createServerGroup(spec);

    expect(second.details?.uid).toBe(first.details?.uid);
    expect(fake.state.list('deployments', NAMESPACE).filter((d) => labelsOf(d)['gantry.io/cluster'] === cluster)).toHaveLength(1);
    expect(first).toMatchObject({ account: 'k8s-test', location: NAMESPACE, cluster, name: `${cluster}-v001`, sequence: 1, enabled: true, capacity: { min: 1, max: 4, desired: 2 } });

    const deployment = fake.state.get('deployments', spec.name, NAMESPACE);
    expect((deployment?.spec as { selector: unknown }).selector).toEqual({ matchLabels: { 'gantry.io/server-group': spec.name } });
    expect(deployment?.metadata.annotations).toMatchObject({ 'gantry.io/image': spec.image, 'gantry.io/capacity-min': '1', 'gantry.io/capacity-max': '4' });
    const service = fake.state.get('services', cluster, NAMESPACE);
    expect(service?.spec).toMatchObject({ selector: { 'gantry.io/cluster': cluster, 'gantry.io/traffic': 'enabled' }, ports: [{ port: 8080, targetPort: 8080 }] });
  });

  it('refuses to adopt a foreign Deployment or one running another image', async () => {
    const { group } = newCluster();
    const spec = group(1);
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'f', server: fake.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'f', cluster: 'f', user: 'u' }], currentContext: 'f' });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: spec.name },
        spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'other:1' }] } } },
      },
    });
    await expect(provider().createServerGroup(spec)).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringMatching(/not managed by Gantry/) });

    const mine = group(2);
    await provider().createServerGroup(mine);
    await expect(provider().createServerGroup({ ...mine, image: 'registry.example/other:9' })).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringMatching(/already exists with image/) });
  });

  it('lists a cluster oldest first and gets one group, null when there is none', async () => {
    const { application, cluster, group } = newCluster();
    await provider().createServerGroup(group(1));
    await provider().createServerGroup(group(2, { enabled: false }));
    const groups = await provider().listServerGroups({ account: 'k8s-test', application, cluster });
    expect(groups.map((g) => [g.name, g.enabled])).toEqual([
      [`${cluster}-v001`, true],
      [`${cluster}-v002`, false],
    ]);
    expect(await provider().getServerGroup({ account: 'k8s-test', name: `${cluster}-v002` })).toMatchObject({ image: `registry.example/${application}:1.0.2`, enabled: false });
    expect(await provider().getServerGroup({ account: 'k8s-test', name: `${cluster}-v099` })).toBeNull();
  });

  it('reports health reaching desired after the ready delay', async () => {
    const { group } = newCluster();
    const spec = group(1, { capacity: { min: 3, max: 3, desired: 3 } });
    fake.setReadyDelay(400);
    await provider().createServerGroup(spec);
    const ref = { account: 'k8s-test', name: spec.name };
    const early = await provider().health(ref);
    expect(early.desired).toBe(3);
    expect(early.up).toBeLessThan(3);
    const healthy = await readUntil(() => provider().health(ref), (h) => h.up === 3);
    expect(healthy).toEqual({ desired: 3, up: 3, down: 0, unknown: 0 });
  });

  it('keeps a group whose pods fail readiness unhealthy, and counts them down', async () => {
    const { group } = newCluster();
    const spec = group(1);
    fake.failReadiness((deployment) => deployment.name === spec.name);
    await provider().createServerGroup(spec);
    const ref = { account: 'k8s-test', name: spec.name };
    const failing = await readUntil(() => provider().health(ref), (h) => h.down === 2);
    expect(failing).toEqual({ desired: 2, up: 0, down: 2, unknown: 0 });
    await new Promise((resolve) => setTimeout(resolve, READY_DELAY_MS * 2));
    expect((await provider().health(ref)).up).toBe(0);
  });

  it('enable and disable switch what the cluster Service selects', async () => {
    const { cluster, group } = newCluster();
    const v1 = group(1);
    const v2 = group(2, { enabled: false });
    await provider().createServerGroup(v1);
    await provider().createServerGroup(v2);
    const ref1 = { account: 'k8s-test', name: v1.name };
    const ref2 = { account: 'k8s-test', name: v2.name };
    await readUntil(() => provider().health(ref2), (h) => h.up === 2);
    await readUntil(async () => servicePods(cluster).map(serverGroupOf), (names) => names.length === 2 && names.every((n) => n === v1.name));

    await provider().enable(ref2);
    await provider().disable(ref1);
    const switched = await readUntil(async () => servicePods(cluster).map(serverGroupOf), (names) => names.length === 2 && names.every((n) => n === v2.name));
    expect(switched).toEqual([v2.name, v2.name]);
    expect(await provider().getServerGroup(ref1)).toMatchObject({ enabled: false });
    expect(await provider().getServerGroup(ref2)).toMatchObject({ enabled: true });
    expect(fake.state.get('deployments', v1.name, NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'false' });

    // Idempotent: disabling again changes nothing.
    await provider().disable(ref1);
    expect(servicePods(cluster).map(serverGroupOf)).toEqual([v2.name, v2.name]);
  });

  it('resizes, keeping min and max', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    const ref = { account: 'k8s-test', name: spec.name };
    await provider().resize(ref, { min: 2, max: 8, desired: 4 });
    expect(await provider().getServerGroup(ref)).toMatchObject({ capacity: { min: 2, max: 8, desired: 4 } });
    await readUntil(() => provider().health(ref), (h) => h.up === 4);
    await expect(provider().resize(ref, { min: 5, max: 8, desired: 4 })).rejects.toMatchObject({ kind: 'Fatal' });
  });

  it('destroys, and destroying again is fine', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    const ref = { account: 'k8s-test', name: spec.name };
    await provider().destroy(ref);
    expect(await provider().getServerGroup(ref)).toBeNull();
    await provider().destroy(ref);
    await expect(provider().health(ref)).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('service mode: weights above zero enable, zero and unlisted disable', async () => {
    const { application, cluster, group } = newCluster();
    const v1 = group(1);
    const v2 = group(2, { enabled: false });
    await provider().createServerGroup(v1);
    await provider().createServerGroup(v2);
    await provider().setTrafficWeights({ account: 'k8s-test', application, cluster }, { [v2.name]: 100 });
    const groups = await provider().listServerGroups({ account: 'k8s-test', application, cluster });
    expect(groups.map((g) => [g.name, g.enabled])).toEqual([
      [v1.name, false],
      [v2.name, true],
    ]);
    await expect(provider().setTrafficWeights({ account: 'k8s-test', application, cluster }, { [v2.name]: 50 })).rejects.toThrow(/sum to 100/);
  });

  it('service mode: splits the weighted groups\' replicas by weight (the Service balances per pod)', async () => {
    const { application, cluster, group } = newCluster();
    const v1 = group(1, { capacity: { min: 0, max: 10, desired: 3 } });
    const v2 = group(2, { capacity: { min: 0, max: 10, desired: 1 } });
    await provider().createServerGroup(v1);
    await provider().createServerGroup(v2);
    await provider().setTrafficWeights({ account: 'k8s-test', application, cluster }, { [v1.name]: 50, [v2.name]: 50 });
    const groups = await provider().listServerGroups({ account: 'k8s-test', application, cluster });
    expect(groups.map((g) => [g.name, g.capacity.desired, g.enabled])).toEqual([
      [v1.name, 2, true],
      [v2.name, 2, true],
    ]);
  });

  it('gateway mode: writes an HTTPRoute with weighted per-group Services', async () => {
    const { application, cluster, group } = newCluster();
    const v1 = group(1, { account: 'k8s-gateway' });
    const v2 = group(2, { account: 'k8s-gateway', enabled: false, settings: { containerPort: 9090 } });
    const gateway = provider('k8s-gateway');
    await gateway.createServerGroup(v1);
    await gateway.createServerGroup(v2);
    expect(fake.state.get('services', v2.name, NAMESPACE)?.spec).toMatchObject({ selector: { 'gantry.io/server-group': v2.name }, ports: [{ port: 9090 }] });

    const ref = { account: 'k8s-gateway', application, cluster };
    await gateway.setTrafficWeights(ref, { [v1.name]: 90, [v2.name]: 10 });
    const backends = () => (fake.state.get('httproutes', cluster, NAMESPACE)?.spec as { rules: { backendRefs: { name: string; port: number; weight: number }[] }[] }).rules[0]?.backendRefs;
    expect(backends()).toMatchObject([
      { name: v1.name, port: 8080, weight: 90 },
      { name: v2.name, port: 9090, weight: 10 },
    ]);
    expect((fake.state.get('httproutes', cluster, NAMESPACE)?.spec as { parentRefs: unknown[] }).parentRefs).toMatchObject([{ name: 'public', namespace: 'gateways' }]);

    await gateway.setTrafficWeights(ref, { [v1.name]: 0, [v2.name]: 100 });
    expect(backends()).toMatchObject([
      { name: v1.name, weight: 0 },
      { name: v2.name, weight: 100 },
    ]);
    expect((await gateway.listServerGroups(ref)).map((g) => g.enabled)).toEqual([false, true]);

    // enable/disable end an explicit split: the route shares traffic equally among enabled groups.
    await gateway.enable({ account: 'k8s-gateway', name: v1.name });
    expect(backends()).toMatchObject([
      { name: v1.name, weight: 50 },
      { name: v2.name, weight: 50 },
    ]);
    await gateway.disable({ account: 'k8s-gateway', name: v2.name });
    expect(backends()).toEqual([expect.objectContaining({ name: v1.name, weight: 100 })]);

    // A destroyed group leaves the route before its Service goes.
    await gateway.enable({ account: 'k8s-gateway', name: v2.name });
    await gateway.destroy({ account: 'k8s-gateway', name: v1.name });
    expect(fake.state.get('services', v1.name, NAMESPACE)).toBeUndefined();
    expect(backends()).toEqual([expect.objectContaining({ name: v2.name, weight: 100 })]);
  });

  it('retries a resourceVersion conflict and a 429 through the registry wrapper', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    const ref = { account: 'k8s-test', name: spec.name };

    fake.injectFault({ method: 'PATCH', pathPattern: new RegExp(`/deployments/${spec.name}$`), status: 409, times: 1 });
    await provider().resize(ref, { min: 1, max: 4, desired: 3 });
    expect(fake.state.get('deployments', spec.name, NAMESPACE)?.spec).toMatchObject({ replicas: 3 });
    expect(waits).toHaveLength(1);

    // A throttled request is sent again by the client itself after the Retry-After (one second
    // here): the call succeeds without the wrapper retrying the whole method.
    const podLists = () => fake.requests().filter((r) => r.method === 'GET' && r.path.split('?')[0]!.endsWith('/pods')).length;
    const listsBefore = podLists();
    fake.injectFault({ method: 'GET', pathPattern: /\/pods$/, status: 429, times: 1 });
    const started = Date.now();
    await expect(provider().health(ref)).resolves.toMatchObject({ desired: 3 });
    expect(podLists() - listsBefore).toBe(2);
    expect(waits).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    // Unavailable API servers are retried for every operation, creates included.
    fake.injectFault({ method: 'POST', pathPattern: /\/deployments$/, status: 503, times: 2 });
    await expect(provider().createServerGroup(group(2))).resolves.toMatchObject({ name: group(2).name });
  });

  it('makes a 403 a Fatal error naming account, namespace and resource, without retrying', async () => {
    const { group } = newCluster();
    const spec = group(1);
    const before = fake.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/deployments')).length;
    fake.injectFault({
      method: 'POST',
      pathPattern: /\/deployments$/,
      status: 403,
      times: 5,
      message: `deployments.apps is forbidden: User "system:serviceaccount:gantry:deployer" cannot create resource "deployments" in API group "apps" in the namespace "${NAMESPACE}"`,
    });
    const error = await provider().createServerGroup(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(isProviderError(error, 'Fatal')).toBe(true);
    expect((error as ProviderError).message).toBe(
      `kubernetes/createServerGroup/${spec.name}: Forbidden: deployments.apps is forbidden: User "system:serviceaccount:gantry:deployer" cannot create resource "deployments" in API group "apps" in the namespace "${NAMESPACE}" (account k8s-test, namespace ${NAMESPACE}, deployment ${spec.name})`,
    );
    expect(fake.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/deployments')).length).toBe(before + 1);
  });

  it('sends merge patches', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    await provider().disable({ account: 'k8s-test', name: spec.name });
    const patches = fake.requests().filter((r) => r.method === 'PATCH' && r.path.includes(spec.name));
    expect(patches.length).toBeGreaterThan(0);
    expect(patches.every((r) => r.contentType === 'application/merge-patch+json')).toBe(true);
  });

  it('reports an unreachable API server as Transient after retrying', async () => {
    const error = await provider('k8s-down').getServerGroup({ account: 'k8s-down', name: 'app-v001' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'Transient', account: 'k8s-down', location: 'default' });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(waits).toHaveLength(3);
  });

  it('turns a hung API server into a Transient error after the request timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const [account] = parseAccounts(`accounts:\n  - { name: hung, provider: kubernetes, server: "http://127.0.0.1:${port}" }\n`, 'accounts.yaml');
      if (account?.provider !== 'kubernetes') throw new Error('expected a kubernetes account');
      const hung = new KubernetesProvider(account, { requestTimeoutMs: 200 });
      const started = Date.now();
      await expect(hung.health({ account: 'hung', name: 'app-v001' })).rejects.toMatchObject({ kind: 'Transient' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('bakes nothing: pins the given image by digest', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    await expect(provider().bake({ account: 'k8s-test', package: 'checkout', version: '1.2.3', settings: { imageDigest: digest } })).resolves.toMatchObject({
      id: `checkout:1.2.3@${digest}`,
      name: 'checkout:1.2.3',
      reused: true,
    });
    await expect(provider().bake({ account: 'k8s-test', package: 'x', version: '1', baseImage: 'repo/x:1', settings: { imageDigest: 'nope' } })).rejects.toMatchObject({ kind: 'Fatal' });
  });
});

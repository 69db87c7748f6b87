/**
 * The abTest stage end to end (docs/ab-testing.md): on the local provider, real processes behind
 * the cluster's proxy, every request checked for the side it reached; on the Kubernetes fake, the
 * route objects of the three routers read back with kubectl 1.35; and save-time refusals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { kubectl } from '../support/kubeTools';
import { localTestBed, type LocalTestBed } from '../support/localTestBed';
import { NAMESPACE } from '../support/serverGroups';
import { ProviderRegistry, accountSchema, type CloudProvider } from '../../packages/providers/src';
import type { ExecutionDetail } from '../../packages/store/src';

const errorRateConfig = {
  thresholds: { marginal: 50, pass: 75 },
  metrics: [{ name: 'errors', query: 'errorRate', direction: 'increase', critical: true }],
};

function abTestStage(account: string, cluster: string, overrides: Record<string, unknown> = {}) {
  return {
    refId: 'ab',
    type: 'abTest',
    account,
    cluster,
    control: `${cluster}-v001`,
    variant: `${cluster}-v002`,
    rules: [{ header: { name: 'X-Variant', equals: 'b' } }],
    durationSec: 4,
    stepSec: 0.25,
    metricSource: { type: 'localProxy' },
    canaryConfig: errorRateConfig,
    onResult: 'promoteWinner',
    ...overrides,
  };
}

// Just enough of each CRD for the API server to serve its kind (as the Helm chart test serves PodDisruptionBudget).
function crd(group: string, version: string, kind: string, plural: string): string {
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    `metadata: {name: ${plural}.${group}}`,
    'spec:',
    `  group: ${group}`,
    `  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}, listKind: ${kind}List}`,
    '  scope: Namespaced',
    `  versions: [{name: ${version}, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]`,
  ].join('\n');
}

describe('abTest stage', () => {
  let bed: LocalTestBed;
  let fake: FakeKubernetes;
  let prometheus: FakePrometheus;
  let gantry: TestGantry;
  let providers: ProviderRegistry;

  beforeAll(async () => {
    bed = localTestBed({ account: 'local' });
    fake = await startFakeKubernetes({ readyDelayMs: 20 });
    prometheus = await startFakePrometheus((_group, index) => 1 + ((index * 7) % 10) / 20);
    const kube = (name: string, traffic: Record<string, unknown>) => accountSchema.parse({ name, provider: 'kubernetes', server: fake.url, namespace: NAMESPACE, traffic });
    providers = new ProviderRegistry(
      [
        bed.provider.account,
        kube('k8s-gw', { mode: 'gatewayHttpRoute', httpRoute: { parentRefs: [{ name: 'public', namespace: 'gateways' }] } }),
        // The mesh chosen per cluster: the account's default is Gateway API, shop-mesh goes through Istio.
        kube('k8s-mesh', { mode: 'gatewayHttpRoute', clusters: { 'shop-mesh': { mode: 'istio' } } }),
        kube('k8s-smi', { mode: 'smi' }),
      ],
      { local: () => bed.provider },
      { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 } },
    );
    gantry = await startTestGantry({ providers });
    const crds = join(mkdtempSync(join(tmpdir(), 'gantry-crds-')), 'crds.yaml');
    writeFileSync(
      crds,
      [
        crd('networking.istio.io', 'v1', 'VirtualService', 'virtualservices'),
        crd('networking.istio.io', 'v1', 'DestinationRule', 'destinationrules'),
        crd('split.smi-spec.io', 'v1alpha2', 'TrafficSplit', 'trafficsplits'),
      ].join('\n---\n'),
    );
    await kubectl(fake.url, ['apply', '--validate=false', '-f', crds]);
  }, 60_000);
  afterAll(async () => {
    await gantry?.stop();
    await prometheus?.close();
    await fake?.close();
    await bed?.close();
  }, 60_000);

  async function run(application: string, stages: unknown[], until?: (execution: ExecutionDetail) => boolean): Promise<{ id: string; execution: ExecutionDetail }> {
    const pipeline = await gantry.savePipeline({ application, name: `ab-${Math.random().toString(36).slice(2, 8)}`, stages });
    const id = await gantry.trigger(pipeline, {});
    return { id, execution: await gantry.waitFor(id, until, 90_000) };
  }

  it('on the local proxy sends X-Variant: b (and only it) to the variant, and removes the variant that errs more', { timeout: 120_000 }, async () => {
    const { provider } = bed;
    await provider.createServerGroup(bed.spec('ab-web', 1, { enabled: true }));
    await provider.createServerGroup(bed.spec('ab-web', 2, {}, { ERROR_RATE: '0.5' }));
    const proxyUrl = String((await provider.getServerGroup({ account: 'local', name: 'ab-web-v001' }))?.details?.proxyUrl);

    const pipeline = await gantry.savePipeline({ application: 'ab', name: 'experiment', stages: [abTestStage('local', 'ab-web')] });
    const id = await gantry.trigger(pipeline, {});
    const started = await gantry.waitFor(id, (execution) => typeof stageOf(execution, 'ab').outputs.abTestStartedAt === 'string', 30_000);
    // The rules are in place before the start is recorded, and stay until the judge has seen durationSec.
    const experimentEndsMs = Date.parse(String(stageOf(started, 'ab').outputs.abTestStartedAt)) + 4_000;

    // Steady traffic until the stage ends, each answer checked against the side its header asks for.
    const wrong: string[] = [];
    const seen = { control: 0, variant: 0 };
    let finished: ExecutionDetail | undefined;
    const done = gantry.waitFor(id, undefined, 60_000).then((execution) => (finished = execution));
    for (let i = 0; finished === undefined; i++) {
      const variant = i % 2 === 0;
      const during = Date.now() < experimentEndsMs;
      const response = await fetch(`${proxyUrl}/item/${i}`, { headers: { 'X-Variant': variant ? 'b' : 'a' } });
      const { serverGroup } = (await response.json()) as { serverGroup?: string };
      if (serverGroup === 'ab-web-v002') seen.variant += 1;
      else seen.control += 1;
      // After the experiment's time the winner is being promoted: only the control may answer "a".
      const expected = variant && during ? 'ab-web-v002' : 'ab-web-v001';
      if ((during || !variant) && serverGroup !== expected) wrong.push(`request ${i} (X-Variant: ${variant ? 'b' : 'a'}) reached ${serverGroup}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const execution = await done;
    expect(wrong).toEqual([]);
    expect(seen.variant).toBeGreaterThan(20);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'ab').outputs).toMatchObject({ abTestWinner: 'ab-web-v001', abTestVerdict: 'fail', abTestResult: { result: 'fail', metrics: [{ name: 'errors', classification: 'High' }] } });
    expect(await provider.getServerGroup({ account: 'local', name: 'ab-web-v002' })).toBeNull();
    for (let i = 0; i < 10; i++) {
      const answer = (await (await fetch(`${proxyUrl}/after`, { headers: { 'X-Variant': 'b' } })).json()) as { serverGroup?: string };
      expect(answer.serverGroup).toBe('ab-web-v001');
    }
  });

  async function twoGroups(provider: CloudProvider, account: string, cluster: string): Promise<void> {
    for (const sequence of [1, 2]) {
      await provider.createServerGroup({
        account,
        location: NAMESPACE,
        application: 'shop',
        cluster,
        name: `${cluster}-v00${sequence}`,
        image: `registry.local/shop:${sequence}`,
        capacity: { min: 1, max: 1, desired: 1 },
        enabled: sequence === 1,
      });
    }
  }

  const getJson = async (kind: string, name: string) => JSON.parse(await kubectl(fake.url, ['get', kind, name, '-n', NAMESPACE, '-o', 'json'])) as { spec: Record<string, unknown> };
  const waitingForJudgment = (execution: ExecutionDetail) => stageOf(execution, 'ab').outputs.awaitingJudgment === 'abTest result';
  const k8sStage = (account: string, cluster: string) =>
    abTestStage(account, cluster, {
      rules: [{ header: { name: 'X-Variant', equals: 'b' } }, { cookie: { name: 'group', equals: 'beta' }, pathPrefix: '/shop' }],
      durationSec: 0.5,
      stepSec: 0.05,
      metricSource: { type: 'prometheus', url: prometheus.url },
      canaryConfig: { ...errorRateConfig, metrics: [{ name: 'errors', query: 'error_rate{server_group="${scope}"}', direction: 'increase' }] },
      onResult: 'judgment',
    });

  it('writes the rules as HTTPRoute matches (Gateway API), read back with kubectl, and takes them away with the variant', { timeout: 90_000 }, async () => {
    await twoGroups(providers.forAccount('k8s-gw').provider, 'k8s-gw', 'shop-gw');
    const { id } = await run('shop', [k8sStage('k8s-gw', 'shop-gw')], waitingForJudgment);
    const route = await getJson('httproutes', 'shop-gw');
    expect(route.spec.rules).toEqual([
      {
        matches: [
          { headers: [{ type: 'Exact', name: 'X-Variant', value: 'b' }] },
          { path: { type: 'PathPrefix', value: '/shop' }, headers: [{ type: 'RegularExpression', name: 'Cookie', value: '(.*;\\s*)?group=beta(;.*)?' }] },
        ],
        backendRefs: [{ group: '', kind: 'Service', name: 'shop-gw-v002', port: 8080, weight: 1 }],
      },
      // As the API server stores it: a rule without matches matches every path.
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'shop-gw-v001', port: 8080, weight: 100 }] },
    ]);
    // "stop": the control keeps serving, the variant goes and leaves the route.
    expect((await gantry.request('POST', `/api/v1/executions/${id}/stages/ab/judgment`, { judgmentStatus: 'stop' })).status).toBe(202);
    const done = await gantry.waitFor(id, undefined, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'ab').outputs.abTestWinner).toBe('shop-gw-v001');
    expect((await getJson('httproutes', 'shop-gw')).spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'shop-gw-v001', port: 8080, weight: 100 }] },
    ]);
  });

  it('writes them as an Istio VirtualService over DestinationRule subsets for a cluster set to istio', { timeout: 90_000 }, async () => {
    await twoGroups(providers.forAccount('k8s-mesh').provider, 'k8s-mesh', 'shop-mesh');
    const { id } = await run('shop', [k8sStage('k8s-mesh', 'shop-mesh')], waitingForJudgment);
    expect((await getJson('destinationrules.networking.istio.io', 'shop-mesh')).spec).toEqual({
      host: 'shop-mesh',
      subsets: ['shop-mesh-v001', 'shop-mesh-v002'].map((name) => ({ name, labels: { 'gantry.io/server-group': name } })),
    });
    const destination = (subset: string) => ({ host: 'shop-mesh', subset, port: { number: 8080 } });
    expect((await getJson('virtualservices.networking.istio.io', 'shop-mesh')).spec).toEqual({
      hosts: ['shop-mesh'],
      http: [
        {
          name: 'variant',
          match: [{ headers: { 'x-variant': { exact: 'b' } } }, { uri: { prefix: '/shop' }, headers: { cookie: { regex: '(.*;\\s*)?group=beta(;.*)?' } } }],
          route: [{ destination: destination('shop-mesh-v002') }],
        },
        { name: 'weighted', route: [{ destination: destination('shop-mesh-v001'), weight: 100 }] },
      ],
    });
    // Canceled: the rules go, the control serves alone (the variant is kept, out of traffic).
    expect((await gantry.request('POST', `/api/v1/executions/${id}/cancel`, {})).status).toBeLessThan(300);
    const canceled = await gantry.waitFor(id, undefined, 60_000);
    expect(canceled.status).toBe('CANCELED');
    const http = (await getJson('virtualservices.networking.istio.io', 'shop-mesh')).spec.http;
    expect(http).toEqual([{ name: 'weighted', route: [{ destination: destination('shop-mesh-v001'), weight: 100 }, { destination: destination('shop-mesh-v002'), weight: 0 }] }]);
  });

  it('carries weights as an SMI TrafficSplit, and refuses header rules for it when the pipeline is saved', { timeout: 60_000 }, async () => {
    const { provider } = providers.forAccount('k8s-smi');
    await twoGroups(provider, 'k8s-smi', 'shop-smi');
    await provider.setTrafficWeights({ account: 'k8s-smi', location: NAMESPACE, application: 'shop', cluster: 'shop-smi' }, { 'shop-smi-v001': 90, 'shop-smi-v002': 10 });
    expect((await getJson('trafficsplits.split.smi-spec.io', 'shop-smi')).spec).toEqual({
      service: 'shop-smi',
      backends: [
        { service: 'shop-smi-v001', weight: 90 },
        { service: 'shop-smi-v002', weight: 10 },
      ],
    });
    const refused = await gantry.request<{ error: { message: string } }>('POST', '/api/v1/pipelines', { application: 'shop', name: 'smi-ab', stages: [k8sStage('k8s-smi', 'shop-smi')] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('stages.0.rules.0.header: the smi router cannot route by a header match');
    expect(refused.body.error.message).toContain('stages.0.rules.1.cookie');
  });

  it('refuses at save time what other routers cannot carry: a sticky share on Gateway API, any rule on AWS target groups', async () => {
    const sticky = await gantry.request<{ error: { message: string } }>('POST', '/api/v1/pipelines', {
      application: 'shop',
      name: 'gw-sticky',
      stages: [abTestStage('k8s-gw', 'shop-gw', { rules: [], percentage: { percent: 10, cookie: 'uid' } })],
    });
    expect(sticky.status).toBe(400);
    expect(sticky.body.error.message).toContain('stages.0.percentage: the gatewayHttpRoute router cannot route by a sticky percentage of users');
    const bad = await gantry.request<{ error: { message: string } }>('POST', '/api/v1/pipelines', {
      application: 'shop',
      name: 'bad-rule',
      stages: [abTestStage('local', 'ab-web', { rules: [{ header: { name: 'X-Variant', regex: '(b' } }] })],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('rules.0.header.regex');
  });
});

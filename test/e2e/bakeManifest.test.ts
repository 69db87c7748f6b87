/**
 * bakeManifest end to end: pipelines saved through the API bake the shop chart (with its
 * dependency, packaged by Helm 4) or a kustomization with the real `helm template` /
 * `kubectl kustomize`, fetched through artifact accounts from a chart repository, GitHub's API
 * and a git server, and deploy the result to the fake API server; kubectl 1.35 reads it back.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactFake } from '../fakes/artifacts';
import { GitServer } from '../fakes/artifacts/gitServer';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { FIXTURES, packageShopChart, type PackagedChart } from '../support/charts';
import { outcomeOf, savedPipeline, SUCCEEDED } from '../support/cloudStages';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { kubeTool, kubectl } from '../support/kubeTools';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, kubernetesAccount, testRegistry } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface Listed {
  items: { metadata: { name: string; annotations?: Record<string, string> } }[];
}

/** The stage's one expected artifact, as Deck writes it for a Bake (Manifest). */
const produces = (id: string, name: string) => [{
  id, displayName: name, useDefaultArtifact: false, usePriorArtifact: false,
  matchArtifact: { type: 'embedded/base64', name, artifactAccount: 'embedded-artifact', customKind: false },
  defaultArtifact: { customKind: true },
}];

describe(`bakeManifest (Helm 4, kubectl 1.35, artifact accounts, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let files: ArtifactFake;
  let git: GitServer;
  let gantry: TestGantry;
  let chart: PackagedChart;
  let valuesUrl: string;
  const saved: Record<string, string | undefined> = {};
  const get = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', ...args, '-o', 'json'])) as T;

  beforeAll(async () => {
    for (const name of ['GANTRY_HELM_BIN', 'GANTRY_KUBECTL_BIN']) saved[name] = process.env[name];
    process.env.GANTRY_HELM_BIN = kubeTool('helm');
    process.env.GANTRY_KUBECTL_BIN = kubeTool('kubectl');
    chart = packageShopChart();
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    files = await new ArtifactFake({ basic: { username: 'helm', password: 'repo-pass' }, bearer: 'gh-token' }).start();
    files.serveFile('/charts/index.yaml', chart.index);
    files.serveFile('/charts/shop-0.1.0.tgz', chart.tgz);
    valuesUrl = files.githubFile('acme/shop', 'deploy/values-prod.yaml', 'main', chart.values);
    git = await new GitServer({ username: 'deploy', password: 'git-pass' }).start();
    git.commit('platform', 'main', { 'charts/shop': join(chart.source, 'shop'), kustomize: join(FIXTURES, 'kustomize') });
    gantry = await startTestGantry({
      backend,
      providers: testRegistry([kubernetesAccount(fake)]),
      secrets: { 'charts-password': 'repo-pass', 'github-token': 'gh-token', 'git-password': 'git-pass' },
      artifactAccounts: {
        charts: { type: 'helm', repository: `${files.url}/charts`, plainHttp: false, username: 'helm', passwordSecret: 'charts-password' },
        github: { type: 'github', tokenSecret: 'github-token' },
        repos: { type: 'gitRepo', username: 'deploy', passwordSecret: 'git-password' },
        files: { type: 'http', username: 'helm', passwordSecret: 'charts-password' },
      },
    });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
    await files?.stop();
    await git?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const bake = (refId: string, artifactId: string, greeting: string, requisiteStageRefIds: string[] = []) => ({
    refId, requisiteStageRefIds, type: 'bakeManifest', name: 'Bake (Manifest)', templateRenderer: 'HELM3', outputName: 'shop', namespace: NAMESPACE,
    inputArtifacts: [
      { account: 'charts', artifact: { type: 'helm/chart', name: 'shop', version: '0.1.0', artifactAccount: 'charts' } },
      { account: 'github', artifact: { type: 'github/file', reference: valuesUrl, version: 'main', artifactAccount: 'github' } },
    ],
    overrides: { 'shop-config.greeting': greeting, 'image.tag': '${parameters.tag}' },
    expectedArtifacts: produces(artifactId, 'shop'),
  });
  const deploy = (refId: string, artifactId: string, after: string) => ({
    refId, requisiteStageRefIds: [after], type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'artifact',
    manifestArtifactId: artifactId, manifestArtifactAccount: 'embedded-artifact', moniker: { app: 'shop' }, skipExpressionEvaluation: false,
    trafficManagement: { enabled: false, options: { enableTraffic: false, services: [] } },
  });

  it('bake (chart + values + overrides) → deploy → judgment → bake and deploy a changed ConfigMap: -v000 and -v001, the Deployment follows, the Service is left alone', async () => {
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'bake-and-deploy',
      parameters: [{ name: 'tag', default: '1.0' }, { name: 'greeting', default: 'hello' }, { name: 'nextGreeting', default: 'bonjour' }],
      stages: [
        bake('bake1', 'baked-1', '${parameters.greeting}'),
        deploy('deploy1', 'baked-1', 'bake1'),
        { refId: 'judge', requisiteStageRefIds: ['deploy1'], type: 'manualJudgment', instructions: 'Change the greeting?' },
        bake('bake2', 'baked-2', '${parameters.nextGreeting}', ['judge']),
        deploy('deploy2', 'baked-2', 'bake2'),
      ],
    });
    const executionId = await gantry.trigger(id, { tag: '1.0' });
    const judging = await gantry.waitFor(executionId, (execution) => stageOf(execution, 'judge').status === 'RUNNING', 90_000);
    expect(stageOf(judging, 'bake1').outputs.artifacts).toEqual([expect.objectContaining({ type: 'embedded/base64', name: 'shop' })]);
    const configMaps = async () => (await get<Listed>('configmaps')).items.filter((item) => item.metadata.name.startsWith('shop-config'));
    expect((await configMaps()).map((item) => item.metadata.name)).toEqual(['shop-config-v000']);
    const deployment = async () => get<{ spec: { replicas: number; template: { spec: { volumes: { configMap: { name: string } }[]; containers: { image: string }[] } } } }>('deployment', 'shop');
    // The values file (github/file) set 3 replicas; the override set the image tag.
    expect((await deployment()).spec.replicas).toBe(3);
    expect((await deployment()).spec.template.spec.containers[0]?.image).toBe('registry.local/shop:1.0');
    expect(JSON.parse((await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', 'configmap', 'shop-config-v000', '-o', 'jsonpath={.data}']))) as unknown).toEqual({ greeting: 'hello' });
    // The chart's test hook (templates/tests/) is not deployed.
    expect((await get<Listed>('pods')).items.map((item) => item.metadata.name)).not.toContain('shop-test-connection');

    const requestsBefore = fake.requests().length;
    const stageId = stageOf(judging, 'judge').id;
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/${stageId}/judgment`, { judgmentStatus: 'continue' })).status).toBe(202);
    const done = await gantry.waitFor(executionId, undefined, 90_000);
    expect(outcomeOf(done)).toEqual(SUCCEEDED);

    expect((await configMaps()).map((item) => item.metadata.name)).toEqual(['shop-config-v000', 'shop-config-v001']);
    expect(JSON.parse((await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', 'configmap', 'shop-config-v001', '-o', 'jsonpath={.data}']))) as unknown).toEqual({ greeting: 'bonjour' });
    expect((await deployment()).spec.template.spec.volumes[0]?.configMap.name).toBe('shop-config-v001');
    expect(stageOf(done, 'deploy2').outputs['outputs.unchangedManifests']).toEqual(['service shop']);
    const secondDeploy = fake.requests().slice(requestsBefore);
    expect(secondDeploy.filter((request) => request.method === 'PATCH' && request.path.includes('/services/'))).toEqual([]);
  });

  it('fails the stage with Helm\'s reason when the chart does not render', async () => {
    const run = await savedPipeline(gantry, 'shop', [{
      ...bake('bake', 'baked', 'hi'),
      // Without the values file and the tag override, the chart's `required` refuses to render.
      inputArtifacts: [{ account: 'charts', artifact: { type: 'helm/chart', name: 'shop', version: '0.1.0' } }],
      overrides: {},
    }]);
    const failed = await run();
    expect(failed.status).toBe('TERMINAL');
    expect((outcomeOf(failed).errors.bake as { message: string }).message).toMatch(/helm template of shop failed: Error: execution error at \(shop\/templates\/deployment\.yaml:\d+:\d+\): image\.tag is required/);
  });

  it('fails the stage naming the artifact account when a fetch is refused', async () => {
    const run = await savedPipeline(gantry, 'shop', [{
      ...bake('bake', 'baked', 'hi'),
      inputArtifacts: [{ account: 'no-auth-http-account', artifact: { type: 'http/file', reference: `${files.url}/charts/shop-0.1.0.tgz` } }],
      overrides: {},
    }]);
    const failed = await run();
    expect(failed.status).toBe('TERMINAL');
    expect((outcomeOf(failed).errors.bake as { message: string }).message).toMatch(/inputArtifacts\[0\]: http\/file artifact .*shop-0\.1\.0\.tgz: http:\/\/127\.0\.0\.1:\d+\/charts\/shop-0\.1\.0\.tgz answered 401 \(check the artifact account's credentials\)/);
  });

  it('bakes a chart from a git/repo (helmChartFilePath) and a kustomization (KUSTOMIZE4) fetched with git, and deploys them', async () => {
    const repo = { type: 'git/repo', reference: git.url('platform'), version: 'main', artifactAccount: 'repos' };
    const run = await savedPipeline(gantry, 'shop', [
      {
        refId: 'helm', type: 'bakeManifest', templateRenderer: 'HELM3', outputName: 'gitshop', namespace: NAMESPACE,
        inputArtifacts: [{ account: 'repos', artifact: repo }], helmChartFilePath: 'charts/shop/Chart.yaml',
        overrides: { 'image.tag': '2.0' }, expectedArtifacts: produces('git-chart', 'gitshop'),
      },
      {
        refId: 'kustomize', type: 'bakeManifest', templateRenderer: 'KUSTOMIZE4', outputName: 'prod-shop',
        inputArtifact: { account: 'repos', artifact: repo }, kustomizeFilePath: 'kustomize/overlays/prod/kustomization.yaml',
        expectedArtifacts: produces('kustomized', 'prod-shop'),
      },
      deploy('deployHelm', 'git-chart', 'helm'),
      deploy('deployKustomize', 'kustomized', 'kustomize'),
    ]);
    const done = await run();
    expect(outcomeOf(done)).toEqual(SUCCEEDED);
    expect((await get<{ spec: { template: { spec: { containers: { image: string }[] } } } }>('deployment', 'gitshop')).spec.template.spec.containers[0]?.image).toBe('registry.local/shop:2.0');
    expect((await get<{ spec: { replicas: number } }>('deployment', 'prod-shop')).spec.replicas).toBe(3);
    expect(stageOf(done, 'deployKustomize').outputs['outputs.manifestNamesByNamespace']).toEqual({ [NAMESPACE]: [expect.stringMatching(/^configMap prod-shop-config-\w+-v000$/), 'deployment prod-shop'] });
  });

  it('deploys manifests from an http/file artifact fetched through its artifact account', async () => {
    const url = files.serveFile('/manifests/notes.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  text: from a file\n');
    const run = await savedPipeline(gantry, 'shop', [{
      refId: 'deploy', type: 'deployManifest', account: 'k8s', source: 'artifact', manifestArtifactAccount: 'files',
      manifestArtifact: { type: 'http/file', reference: url },
    }]);
    expect(outcomeOf(await run())).toEqual(SUCCEEDED);
    expect(await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', 'configmap', 'notes-v000', '-o', 'jsonpath={.data.text}'])).toBe('from a file');
  });
});

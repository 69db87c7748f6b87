/**
 * The Kubernetes manifest stages end to end: pipelines saved through the API run on a worker
 * against the fake API server, and the real kubectl 1.35 reads back what Gantry deployed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { outcomeOf, savedPipeline, SUCCEEDED } from '../support/cloudStages';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { kubectl } from '../support/kubeTools';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, kubernetesAccount, testRegistry } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface Listed {
  items: { metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> } }[];
}

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config' },
  data: { greeting: '${parameters.greeting}' },
};

const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image, volumeMounts: [{ name: 'config', mountPath: '/etc/web' }], envFrom: [{ configMapRef: { name: 'web-config' } }] }],
        volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      },
    },
  },
});

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};

describe(`Kubernetes manifest stages (fake API server, kubectl 1.35, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;
  const get = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', ...args, '-o', 'json'])) as T;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  it('deploys a ConfigMap, the Deployment mounting it and a Service; a changed ConfigMap becomes -v001, the Deployment follows, the Service is left alone', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [{
      refId: 'deploy', type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text',
      moniker: { app: 'shop' }, manifests: [configMap, deployment('registry.local/web:1'), service],
    }]);

    const first = await deploy({ greeting: 'hello' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    // A figure for the README, not a check: trigger to stable of a 3-manifest deploy (2 pods ready after 50 ms each).
    console.info(`deployManifest of 3 manifests, trigger to stable: ${(first.endTime?.getTime() ?? 0) - first.buildTime.getTime()} ms`);
    expect(stageOf(first, 'deploy').outputs['outputs.manifestNamesByNamespace']).toEqual({ [NAMESPACE]: ['configMap web-config-v000', 'service web', 'deployment web'] });
    const mounted = async () => (await get<{ spec: { template: { spec: { volumes: { configMap: { name: string } }[]; containers: { envFrom: { configMapRef: { name: string } }[] }[] } } } }>('deployment', 'web')).spec.template.spec;
    expect((await mounted()).volumes[0]?.configMap.name).toBe('web-config-v000');
    const status = (await get<{ status: { readyReplicas?: number } }>('deployment', 'web')).status;
    expect(status.readyReplicas).toBe(2);

    const requestsBefore = fake.requests().length;
    const second = await deploy({ greeting: 'bonjour' });
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    const configMaps = (await get<Listed>('configmaps')).items.filter((item) => item.metadata.name.startsWith('web-config'));
    expect(configMaps.map((item) => item.metadata.name)).toEqual(['web-config-v000', 'web-config-v001']);
    expect(configMaps[1]?.metadata.annotations).toMatchObject({
      'artifact.spinnaker.io/name': 'web-config', 'artifact.spinnaker.io/version': 'v001', 'moniker.spinnaker.io/application': 'shop',
      'moniker.spinnaker.io/cluster': 'configMap web-config', 'moniker.spinnaker.io/sequence': '1',
    });
    expect(configMaps[1]?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gantry', 'app.kubernetes.io/name': 'shop' });
    expect((await mounted()).volumes[0]?.configMap.name).toBe('web-config-v001');
    expect((await mounted()).containers[0]?.envFrom[0]?.configMapRef.name).toBe('web-config-v001');
    expect(stageOf(second, 'deploy').outputs['outputs.unchangedManifests']).toEqual(['service web']);
    const secondRun = fake.requests().slice(requestsBefore - fake.requests().length);
    expect(secondRun.filter((request) => request.method === 'PATCH' && request.path.includes('/services/'))).toEqual([]);
    expect(secondRun.some((request) => request.method === 'PATCH' && request.contentType === 'application/apply-patch+yaml' && request.path.includes('fieldManager=gantry'))).toBe(true);

    // The same content again is the same version: nothing new is deployed.
    const third = await deploy({ greeting: 'bonjour' });
    expect(outcomeOf(third)).toEqual(SUCCEEDED);
    expect(stageOf(third, 'deploy').outputs['outputs.unchangedManifests']).toEqual(['configMap web-config-v001', 'service web', 'deployment web']);
    expect((await get<Listed>('configmaps')).items.filter((item) => item.metadata.name.startsWith('web-config'))).toHaveLength(2);
  });

  it('undoes a bad rollout: the Deployment is back on the previous template and the stage names the revision', async () => {
    const api = (image: string) => ({ ...deployment(image), metadata: { name: 'api' }, spec: { ...deployment(image).spec, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } } } });
    const deploy = await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests: [api('registry.local/api:${parameters.version}')] }]);
    expect(outcomeOf(await deploy({ version: '1' }))).toEqual(SUCCEEDED);
    expect(outcomeOf(await deploy({ version: '2' }))).toEqual(SUCCEEDED);

    const undo = await savedPipeline(gantry, 'shop', [{ refId: 'undo', type: 'undoRolloutManifest', account: 'k8s', cloudProvider: 'kubernetes', location: NAMESPACE, mode: 'static', manifestName: 'deployment api', numRevisionsBack: '1' }]);
    const undone = await undo();
    expect(outcomeOf(undone)).toEqual(SUCCEEDED);
    expect(stageOf(undone, 'undo').outputs).toMatchObject({ revision: 1 });
    const image = (await get<{ spec: { template: { spec: { containers: { image: string }[] } } } }>('deployment', 'api')).spec.template.spec.containers[0]?.image;
    expect(image).toBe('registry.local/api:1');
    expect(await kubectl(fake.url, ['--namespace', NAMESPACE, 'rollout', 'history', 'deployment/api'])).toMatch(/\n2\s+<none>\n3\s+<none>/);
  });

  it('scales with replicas given as text, patches, restarts, deletes (by name and by labels) and finds artifacts', async () => {
    const stages = [
      { refId: 'scale', type: 'scaleManifest', account: 'k8s', location: NAMESPACE, manifestName: 'deployment web', replicas: '3' },
      { refId: 'patch', type: 'patchManifest', account: 'k8s', location: NAMESPACE, manifestName: 'service web', requisiteStageRefIds: ['scale'], options: { mergeStrategy: 'merge' }, patchBody: { metadata: { labels: { tier: 'front' } } } },
      { refId: 'restart', type: 'rollingRestartManifest', account: 'k8s', location: NAMESPACE, manifestName: 'deployment web', requisiteStageRefIds: ['patch'] },
      { refId: 'delete', type: 'deleteManifest', account: 'k8s', location: NAMESPACE, manifestName: 'service web', requisiteStageRefIds: ['restart'], options: { cascading: true } },
      { refId: 'find', type: 'findArtifactsFromResource', account: 'k8s', cloudProvider: 'kubernetes', location: NAMESPACE, manifestName: 'deployment web', mode: 'static', requisiteStageRefIds: ['restart'] },
      {
        // Without a mode, as Spinnaker's codelab pipelines write a delete by labels.
        refId: 'deleteConfig', type: 'deleteManifest', account: 'k8s', location: NAMESPACE, kinds: ['configMap'], requisiteStageRefIds: ['find'],
        labelSelectors: { selectors: [{ kind: 'EQUALS', key: 'app.kubernetes.io/name', values: ['shop'] }, { kind: 'EXISTS', key: 'app.kubernetes.io/managed-by', values: [] }] },
      },
    ];
    const run = await savedPipeline(gantry, 'shop', stages);
    const execution = await run();
    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    const web = await get<{ spec: { replicas: number; template: { metadata: { annotations: Record<string, string> } } }; status: { readyReplicas?: number } }>('deployment', 'web');
    expect(web.spec.replicas).toBe(3);
    expect(web.status.readyReplicas).toBe(3);
    expect(web.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(stageOf(execution, 'restart').outputs.restartedAt);
    expect((await get<Listed>('services')).items.map((item) => item.metadata.name)).not.toContain('web');
    expect(stageOf(execution, 'delete').outputs['outputs.deletedManifests']).toEqual(['service web']);
    expect(stageOf(execution, 'deleteConfig').outputs['outputs.deletedManifests']).toEqual(['configMap web-config-v000', 'configMap web-config-v001']);
    expect((await get<Listed>('configmaps')).items.map((item) => item.metadata.name)).toEqual([]);
    expect(stageOf(execution, 'find').outputs.artifacts).toEqual([
      { type: 'docker/image', name: 'registry.local/web', reference: 'registry.local/web:1', version: '1' },
      { type: 'kubernetes/configMap', name: 'web-config-v001', reference: 'web-config-v001', location: NAMESPACE },
    ]);
  });

  it('fails a deploy naming the manifest and the reason: no kind, a kind the cluster does not serve, what the API server refuses', async () => {
    const failing = async (manifests: unknown[]) => {
      const run = await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests }]);
      return (outcomeOf(await run()).errors.deploy as { message: string }).message;
    };
    expect(await failing([{ apiVersion: 'v1', metadata: { name: 'nameless' } }])).toBe('manifests[0] (<no kind> nameless): kind is missing');
    expect(await failing([service, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toBe(
      'manifests[1] (Widget w): the cluster does not serve kind Widget in example.com/v1 (not in its API discovery: a missing CRD?)',
    );
    expect(await failing([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec: { selector: { matchLabels: { app: 'x' } } } }])).toMatch(
      /^manifests\[0\] \(Deployment broken\): Invalid: Deployment.apps "broken" is invalid: spec.template: Required value/,
    );
  });

  it('recreate gives the object a new uid; replace drops a field another manager owns, which apply keeps', async () => {
    const strategy = { 'strategy.spinnaker.io/versioned': 'false' };
    const worker = { ...deployment('registry.local/worker:1'), metadata: { name: 'worker', annotations: { 'strategy.spinnaker.io/recreate': 'true' } } };
    const settings = (name: string, annotations: Record<string, string>, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations: { ...strategy, ...annotations } }, data });
    // Expressions do not reach keys: each deploy is its own pipeline, the second without `b`.
    const deploy = async (version: string, extra: string) => (await savedPipeline(gantry, 'shop', [{
      refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests: [
        { ...worker, spec: { ...worker.spec, template: { ...worker.spec.template, spec: { containers: [{ name: 'worker', image: `registry.local/worker:${version}` }] } } } },
        settings('replaced', { 'strategy.spinnaker.io/replace': 'true' }, { a: '1', [extra]: '2' }),
        settings('applied', {}, { a: '1', [extra]: '2' }),
      ],
    }]))();
    const uid = async () => (await get<{ metadata: { uid: string } }>('deployment', 'worker')).metadata.uid;
    expect(outcomeOf(await deploy('1', 'b'))).toEqual(SUCCEEDED);
    const before = await uid();

    // Another field manager applies `b` too; then the manifests stop having it.
    const folder = await mkdtemp(join(tmpdir(), 'gantry-other-manager-'));
    const file = join(folder, 'other.json');
    for (const name of ['replaced', 'applied']) {
      await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data: { b: '2' } }));
      await kubectl(fake.url, ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '--validate=false', '-f', file]);
    }
    await rm(folder, { recursive: true });
    expect(outcomeOf(await deploy('2', 'c'))).toEqual(SUCCEEDED);

    expect(await uid()).not.toBe(before);
    const image = (await get<{ spec: { template: { spec: { containers: { image: string }[] } } } }>('deployment', 'worker')).spec.template.spec.containers[0]?.image;
    expect(image).toBe('registry.local/worker:2');
    expect((await get<{ data: Record<string, string> }>('configmap', 'replaced')).data).toEqual({ a: '1', c: '2' });
    expect((await get<{ data: Record<string, string> }>('configmap', 'applied')).data).toEqual({ a: '1', b: '2', c: '2' });
  });

  it('binds produced artifacts: a later stage\'s required artifact is the ConfigMap version an earlier deployManifest deployed', async () => {
    const appConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { mode: '${parameters.mode}' } };
    const app = { ...deployment('registry.local/app:1'), metadata: { name: 'app' } };
    app.spec = { ...app.spec, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { ...app.spec.template.spec, containers: [{ ...app.spec.template.spec.containers[0]!, volumeMounts: [], envFrom: [{ configMapRef: { name: 'app-config' } }] }], volumes: [] } } };
    const run = await savedPipeline(gantry, 'shop', [
      { refId: 'config', type: 'deployManifest', account: 'k8s', manifests: [appConfig], expectedArtifacts: [{ id: 'produced-config', matchArtifact: { type: 'kubernetes/configMap', name: 'app-config' } }] },
      { refId: 'app', requisiteStageRefIds: ['config'], type: 'deployManifest', account: 'k8s', manifests: [app], requiredArtifactIds: ['produced-config'] },
    ]);
    const envFrom = async () => (await get<{ spec: { template: { spec: { containers: { envFrom: { configMapRef: { name: string } }[] }[] } } } }>('deployment', 'app')).spec.template.spec.containers[0]?.envFrom[0]?.configMapRef.name;

    const first = await run({ mode: 'a' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    const produced = { type: 'kubernetes/configMap', name: 'app-config', reference: 'app-config-v000', location: NAMESPACE, version: 'v000' };
    expect(stageOf(first, 'config').outputs).toMatchObject({ artifacts: [produced], resolvedExpectedArtifacts: [{ id: 'produced-config', boundArtifact: produced }] });
    expect(stageOf(first, 'app').outputs['outputs.boundArtifacts']).toEqual([produced]);
    expect(await envFrom()).toBe('app-config-v000');

    expect(outcomeOf(await run({ mode: 'b' }))).toEqual(SUCCEEDED);
    expect(await envFrom()).toBe('app-config-v001');
  });

  it('deploys a CRD and a custom resource of it in one stage: discovery learns the new kind', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const cronTab = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'nightly' }, spec: { cronSpec: '0 3 * * *', image: 'registry.local/backup:1' } };
    const run = await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests: [cronTab, crd] }]);
    const execution = await run();
    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    expect(stageOf(execution, 'deploy').outputs['outputs.manifestNamesByNamespace']).toEqual({ '': ['customResourceDefinition crontabs.stable.example.com'], [NAMESPACE]: ['cronTab nightly'] });
    const listed = await get<{ items: { metadata: { name: string }; spec: { cronSpec: string } }[] }>('ct');
    expect(listed.items.map((item) => [item.metadata.name, item.spec.cronSpec])).toEqual([['nightly', '0 3 * * *']]);
  });

  it('disables a ReplicaSet out of its Service and enables it back (pod template and pods relabelled), refusing a Service that selects by the ReplicaSet\'s own selector', async () => {
    const serving = 'serving.example.io/frontend';
    const frontend = (name: string, annotations: Record<string, string>, labels: Record<string, string>) => ({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name, annotations },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'frontend' } },
        template: { metadata: { labels: { app: 'frontend', ...labels } }, spec: { containers: [{ name: 'frontend', image: 'registry.local/frontend:1' }] } },
      },
    });
    const frontendService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend' }, spec: { selector: { [serving]: 'true' }, ports: [{ port: 80 }] } };
    // As clouddriver, the deploy attaches the annotation's Service: its selector joins the pod template's labels.
    const annotated = frontend('frontend', { 'traffic.spinnaker.io/load-balancers': '["service frontend"]' }, {});
    const deploy = await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', moniker: { app: 'shop' }, manifests: [frontendService, annotated] }]);
    expect(outcomeOf(await deploy())).toEqual(SUCCEEDED);
    const selected = async () => (await get<Listed>('pods', '-l', `${serving}=true`)).items.map((pod) => pod.metadata.name).filter((name) => name.startsWith('frontend-v000'));
    const templateLabels = async () => (await get<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>('replicaset', 'frontend-v000')).spec.template.metadata.labels;
    expect(await selected()).toHaveLength(2);

    const disable = await savedPipeline(gantry, 'shop', [{ refId: 'disable', type: 'disableManifest', account: 'k8s', cloudProvider: 'kubernetes', location: NAMESPACE, mode: 'static', manifestName: 'replicaSet frontend-v000' }]);
    const disabled = await disable();
    expect(outcomeOf(disabled)).toEqual(SUCCEEDED);
    expect(stageOf(disabled, 'disable').outputs).toMatchObject({ loadBalancers: ['service frontend'], patchedPods: 2 });
    expect(await selected()).toEqual([]);
    expect(await templateLabels()).not.toHaveProperty([serving]);
    // The pods are kept (disabled, not deleted); disabling again changes nothing.
    expect((await get<Listed>('pods', '-l', 'app=frontend')).items).toHaveLength(2);
    const again = await disable();
    expect(outcomeOf(again)).toEqual(SUCCEEDED);
    expect(stageOf(again, 'disable').outputs).toMatchObject({ patchedPods: 0 });

    // Spinnaker's dynamic selector: the newest ReplicaSet of the cluster.
    const enable = await savedPipeline(gantry, 'shop', [{ refId: 'enable', type: 'enableManifest', account: 'k8s', location: NAMESPACE, mode: 'dynamic', cluster: 'replicaSet frontend', criteria: 'newest', kind: 'replicaSet' }]);
    expect(outcomeOf(await enable())).toEqual(SUCCEEDED);
    expect(await selected()).toHaveLength(2);
    expect(await templateLabels()).toMatchObject({ app: 'frontend', [serving]: 'true' });

    // A template that sets the Service's labels itself is refused when the deploy would attach it (clouddriver's caveat).
    const selfServing = frontend('frontend-self', { 'traffic.spinnaker.io/load-balancers': '["service frontend"]' }, { [serving]: 'true' });
    const caveat = await (await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests: [selfServing] }]))();
    expect((outcomeOf(caveat).errors.deploy as { message: string }).message).toBe(
      `manifests[0] (ReplicaSet frontend-self): Service frontend selects by ${serving}, which the pod template already sets: Spinnaker's traffic management adds the Service's selector labels itself (remove them from the template)`,
    );

    const byOwnSelector = { ...frontendService, metadata: { name: 'frontend-all' }, spec: { selector: { app: 'frontend' }, ports: [{ port: 80 }] } };
    const other = frontend('frontend-other', {}, { [serving]: 'true' });
    expect(outcomeOf(await (await savedPipeline(gantry, 'shop', [{ refId: 'deploy', type: 'deployManifest', account: 'k8s', manifests: [byOwnSelector, other] }]))())).toEqual(SUCCEEDED);
    const refused = await (await savedPipeline(gantry, 'shop', [{ refId: 'disable', type: 'disableManifest', account: 'k8s', location: NAMESPACE, manifestName: 'replicaSet frontend-other-v000', loadBalancers: ['service frontend-all'] }]))();
    expect((outcomeOf(refused).errors.disable as { message: string }).message).toBe(
      `replicaSet frontend-other-v000 in ${NAMESPACE}: Service frontend-all selects by app, which the ReplicaSet's own selector uses: removing it would orphan the pods (give the Service a label of its own)`,
    );
    // As clouddriver, the stage's own loadBalancers list replaces the annotation's.
    const overridden = await (await savedPipeline(gantry, 'shop', [{ refId: 'disable', type: 'disableManifest', account: 'k8s', location: NAMESPACE, manifestName: 'replicaSet frontend-other-v000', loadBalancers: ['service frontend'] }]))();
    expect(outcomeOf(overridden)).toEqual(SUCCEEDED);
    expect(stageOf(overridden, 'disable').outputs).toMatchObject({ loadBalancers: ['service frontend'], patchedPods: 2 });
  });

  it('red/black of ReplicaSets with trafficManagement: the Service selects only the new ReplicaSet\'s pods, the old one is disabled, not deleted; a rollback serves the old one again; highlander deletes the old ones', async () => {
    const checkoutService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout' }, spec: { selector: { 'serving.example.io/checkout': 'true' }, ports: [{ port: 80 }] } };
    const checkout = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'checkout' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'checkout' } },
        template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [{ name: 'checkout', image: 'registry.local/checkout:${parameters.version}' }] } },
      },
    };
    const deployWith = (strategy: string) => savedPipeline(gantry, 'shop', [{
      refId: 'deploy', type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text', moniker: { app: 'shop' }, manifests: [checkoutService, checkout],
      trafficManagement: { enabled: true, options: { enableTraffic: true, namespace: NAMESPACE, services: ['service checkout'], strategy } },
    }]);
    /** The pods the Service selects, by their ReplicaSet: read the selector from the Service, then the pods, with kubectl. */
    const served = async () => {
      const selector = (await get<{ spec: { selector: Record<string, string> } }>('service', 'checkout')).spec.selector;
      const pods = await get<Listed>('pods', '-l', Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(','));
      return [...new Set(pods.items.map((pod) => pod.metadata.name.replace(/-[^-]+$/, '')))].sort();
    };
    const replicaSets = async () => (await get<Listed>('replicasets', '-l', 'app.kubernetes.io/name=shop')).items.map((item) => item.metadata.name).filter((name) => name.startsWith('checkout-')).sort();

    const redBlack = await deployWith('redblack');
    const first = await redBlack({ version: '1' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    expect(await served()).toEqual(['checkout-v000']);
    const annotations = (await get<Listed['items'][number]>('replicaset', 'checkout-v000')).metadata.annotations;
    expect(annotations).toMatchObject({ 'traffic.spinnaker.io/load-balancers': '["service checkout"]', 'moniker.spinnaker.io/cluster': 'replicaSet checkout' });

    const second = await redBlack({ version: '2' });
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ 'outputs.disabledManifests': ['replicaSet checkout-v000'], 'outputs.deletedManifests': [] });
    expect(await served()).toEqual(['checkout-v001']);
    // Disabled, not deleted: the old ReplicaSet and its two pods are still there, out of the Service.
    expect(await replicaSets()).toEqual(['checkout-v000', 'checkout-v001']);
    expect((await get<{ status: { readyReplicas: number } }>('replicaset', 'checkout-v000')).status.readyReplicas).toBe(2);

    // Version 1 again is the same content: v000 is reused, served again, and v001 disabled.
    const rollback = await redBlack({ version: '1' });
    expect(outcomeOf(rollback)).toEqual(SUCCEEDED);
    expect(stageOf(rollback, 'deploy').outputs).toMatchObject({ 'outputs.unchangedManifests': ['service checkout', 'replicaSet checkout-v000'], 'outputs.disabledManifests': ['replicaSet checkout-v001'] });
    expect(await served()).toEqual(['checkout-v000']);

    const highlander = await (await deployWith('highlander'))({ version: '3' });
    expect(outcomeOf(highlander)).toEqual(SUCCEEDED);
    expect(stageOf(highlander, 'deploy').outputs['outputs.deletedManifests']).toEqual(['replicaSet checkout-v000', 'replicaSet checkout-v001']);
    expect(await replicaSets()).toEqual(['checkout-v002']);
    expect(await served()).toEqual(['checkout-v002']);
  });

  it('refuses at save time what it cannot run: a load balancer that is not a Service, a patch of the wrong shape, a bad manifest name', async () => {
    const save = (stage: Record<string, unknown>) => gantry.request<{ message: string }>('POST', '/api/v1/pipelines', { application: 'shop', name: `bad-${Math.random()}`, stages: [{ refId: 's', ...stage }] });
    const traffic = await save({ type: 'deployManifest', account: 'k8s', manifests: [service], trafficManagement: { enabled: true, options: { strategy: 'redblack', services: ['ingress web'] } } });
    expect(traffic.status).toBe(400);
    expect(JSON.stringify(traffic.body)).toContain('\\"ingress web\\" is not \\"service <name>\\"');
    const patch = await save({ type: 'patchManifest', account: 'k8s', manifestName: 'deployment web', options: { mergeStrategy: 'json' }, patchBody: { spec: {} } });
    expect(JSON.stringify(patch.body)).toContain('a json patch is a list of operations');
    const name = await save({ type: 'scaleManifest', account: 'k8s', manifestName: 'web', replicas: 1 });
    expect(JSON.stringify(name.body)).toContain('must be \\"<kind> <name>\\"');
  });
});

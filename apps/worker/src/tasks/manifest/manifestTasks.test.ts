/**
 * The manifest tasks against the fake API server, run the way the engine runs them, including
 * the repeats a crash causes (a task run again after its effect but before its result was kept).
 */
import { accountSchema, ProviderRegistry } from '@gantry/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../../../../../test/fakes/kubernetes';
import { makeTaskContext, nextRun, nextTask } from '../testContext';
import { deployManifestTask } from './deployManifest';
import { determineManifestTargetTask, undoRolloutManifestTask } from './targetTasks';

let fake: FakeKubernetes;
let registry: ProviderRegistry;

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 20 });
  registry = new ProviderRegistry([accountSchema.parse({ name: 'k8s', provider: 'kubernetes', server: fake.url, namespace: 'ns1' })]);
});
afterAll(async () => {
  await fake.close();
});

const configMap = (greeting: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting } });
const deployment = (image: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } } },
});

function deployContext(manifests: unknown[]) {
  return makeTaskContext({ stage: { type: 'deployManifest', context: { account: 'k8s', manifests } }, task: { name: 'deployManifest' }, services: { providers: registry } });
}

const names = (resource: 'configmaps') => fake.state.list(resource, 'ns1').map((object) => String(object.metadata.name)).filter((name) => name.startsWith('settings'));

describe('manifest tasks, repeated as after a crash', () => {
  it('deployManifest run twice with the same content makes one version; changed content makes the next one', async () => {
    const ctx = deployContext([configMap('a')]);
    const first = await deployManifestTask.run(ctx);
    // The worker died before the result was kept: the engine runs the same task again.
    const again = await deployManifestTask.run(ctx);
    expect(first).toMatchObject({ status: 'SUCCEEDED', outputs: { 'outputs.manifestNamesByNamespace': { ns1: ['configMap settings-v000'] } } });
    expect(again).toMatchObject({ status: 'SUCCEEDED', outputs: { 'outputs.unchangedManifests': ['configMap settings-v000'] } });
    expect(names('configmaps')).toEqual(['settings-v000']);
    await deployManifestTask.run(deployContext([configMap('b')]));
    expect(names('configmaps')).toEqual(['settings-v000', 'settings-v001']);
  });

  it('recreate deletes and creates anew; a crash between the two creates it on the repeat; unchanged content is left alone', async () => {
    const flags = (value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', annotations: { 'strategy.spinnaker.io/versioned': 'false', 'strategy.spinnaker.io/recreate': 'true' } }, data: { value } });
    const uid = () => String(fake.state.get('configmaps', 'flags', 'ns1')?.metadata.uid);
    await deployManifestTask.run(deployContext([flags('a')]));
    const first = uid();
    await deployManifestTask.run(deployContext([flags('b')]));
    const second = uid();
    expect(second).not.toBe(first);
    // The worker deleted the old object and died before creating the new one: the repeat creates it.
    await fetch(`${fake.url}/api/v1/namespaces/ns1/configmaps/flags`, { method: 'DELETE' });
    const resumed = await deployManifestTask.run(deployContext([flags('c')]));
    expect(resumed).toMatchObject({ status: 'SUCCEEDED' });
    expect(fake.state.get('configmaps', 'flags', 'ns1')?.data).toEqual({ value: 'c' });
    const third = uid();
    const repeated = await deployManifestTask.run(deployContext([flags('c')]));
    expect(repeated).toMatchObject({ outputs: { 'outputs.unchangedManifests': ['configMap flags'] } });
    expect(uid()).toBe(third);
  });

  it('replace writes the whole object, creating it when absent, and a repeat converges', async () => {
    const limits = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', annotations: { 'strategy.spinnaker.io/versioned': 'false', 'strategy.spinnaker.io/replace': 'true' } }, data });
    await deployManifestTask.run(deployContext([limits({ a: '1', b: '2' })]));
    expect(fake.state.get('configmaps', 'limits', 'ns1')?.data).toEqual({ a: '1', b: '2' });
    const ctx = deployContext([limits({ a: '1' })]);
    await deployManifestTask.run(ctx);
    await deployManifestTask.run(ctx);
    expect(fake.state.get('configmaps', 'limits', 'ns1')?.data).toEqual({ a: '1' });
    // PUT of an absent object answers 404, so the first one is created; the repeat changes nothing.
    const writes = fake.requests().filter((request) => request.method !== 'GET' && request.path.includes('/configmaps'));
    expect(writes.slice(-3).map((request) => request.method)).toEqual(['PUT', 'POST', 'PUT']);
  });

  it('binds the stage\'s expected artifacts to what it deployed, and fails naming one that matches nothing', async () => {
    const stage = (expectedArtifacts: unknown[]) => makeTaskContext({ stage: { type: 'deployManifest', context: { account: 'k8s', manifests: [configMap('bound')], expectedArtifacts } }, task: { name: 'deployManifest' }, services: { providers: registry } });
    const bound = await deployManifestTask.run(stage([{ id: 'cm', matchArtifact: { type: 'kubernetes/configMap', name: 'settings' } }]));
    expect(bound.outputs).toMatchObject({ resolvedExpectedArtifacts: [{ id: 'cm', boundArtifact: { type: 'kubernetes/configMap', name: 'settings', reference: expect.stringMatching(/^settings-v\d{3}$/) } }] });
    expect(await deployManifestTask.run(stage([{ id: 'svc', matchArtifact: { type: 'kubernetes/service' } }]))).toEqual({
      status: 'TERMINAL', error: 'expectedArtifacts: expected artifact "svc" matches none of the 1 artifacts of the manifests deployed and has no default (useDefaultArtifact)',
    });
  });

  it('deploys the manifests of a bound embedded/base64 artifact, with a bound docker image replacing the image', async () => {
    const yaml = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: worker}', 'spec:', '  selector: {matchLabels: {app: worker}}',
      '  template:', '    metadata: {labels: {app: worker}}', '    spec: {containers: [{name: worker, image: "registry.local/worker:placeholder"}]}', '---',
      'apiVersion: v1', 'kind: Service', 'metadata: {name: worker}', 'spec: {selector: {app: worker}, ports: [{port: 80}]}'].join('\n');
    const ctx = makeTaskContext({
      execution: {
        trigger: {
          type: 'webhook',
          resolvedExpectedArtifacts: [
            { id: 'manifest', matchArtifact: { type: 'embedded/base64' }, boundArtifact: { type: 'embedded/base64', name: 'worker.yaml', reference: Buffer.from(yaml).toString('base64') } },
            { id: 'image', matchArtifact: { type: 'docker/image' }, boundArtifact: { type: 'docker/image', name: 'registry.local/worker', reference: 'registry.local/worker:7.1', version: '7.1' } },
          ],
        },
      },
      stage: { type: 'deployManifest', context: { account: 'k8s', source: 'artifact', manifestArtifactId: 'manifest', manifestArtifactAccount: 'embedded-artifact', requiredArtifactIds: ['image'] } },
      task: { name: 'deployManifest' },
      services: { providers: registry },
    });
    expect(await deployManifestTask.run(ctx)).toMatchObject({ status: 'SUCCEEDED', outputs: { 'outputs.manifestNamesByNamespace': { ns1: ['service worker', 'deployment worker'] } } });
    expect(JSON.stringify(fake.state.get('deployments', 'worker', 'ns1')?.spec)).toContain('"image":"registry.local/worker:7.1"');
    const unbound = await deployManifestTask.run({ ...ctx, stage: { ...ctx.stage, context: { account: 'k8s', source: 'artifact', manifestArtifactId: 'nope' } } });
    expect(unbound).toEqual({ status: 'TERMINAL', error: 'manifestArtifactId: no artifact is bound to expected artifact nope (by the trigger or an earlier stage)' });
  });

  it('undoRolloutManifest records the revision before acting, so a repeat does not go back further', async () => {
    for (const image of ['api:1', 'api:2', 'api:3']) {
      expect(await deployManifestTask.run(deployContext([deployment(image)]))).toMatchObject({ status: 'SUCCEEDED' });
      // Each template gets its ReplicaSet and revision once the controller saw it.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const determine = makeTaskContext({
      stage: { type: 'undoRolloutManifest', context: { account: 'k8s', manifestName: 'deployment api', location: 'ns1', mode: 'static', numRevisionsBack: 1 } },
      task: { name: 'determineManifestTarget' },
      services: { providers: registry },
    });
    const target = await determineManifestTargetTask.run(determine);
    const undo = nextTask(determine, target, 'undoRolloutManifest');
    const chosen = await undoRolloutManifestTask.run(undo);
    expect(chosen).toMatchObject({ status: 'RUNNING', state: { revision: 2 } });
    const done = await undoRolloutManifestTask.run(nextRun(undo, chosen));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Run again after the rollback (its result lost): the recorded revision, not one further back.
    const repeated = await undoRolloutManifestTask.run(nextRun(undo, chosen));
    expect(done).toMatchObject({ status: 'SUCCEEDED', outputs: { revision: 2 } });
    expect(repeated).toMatchObject({ status: 'SUCCEEDED', outputs: { revision: 2 } });
    const live = fake.state.get('deployments', 'api', 'ns1');
    expect(JSON.stringify(live?.spec)).toContain('"image":"api:2"');
  });
});

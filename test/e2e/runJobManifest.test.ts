/**
 * runJobManifest end to end: pipelines saved through the API run Jobs on the fake API server
 * (whose pods "run" the manifest's echo/exit script), and a later stage reads what the Job printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { outcomeOf, savedPipeline, SUCCEEDED } from '../support/cloudStages';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { kubectl } from '../support/kubeTools';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, kubernetesAccount, testRegistry } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/** A Job in the shape the Spinnaker UI writes it (command `bash -c`, the script in args). */
const job = (name: string, script: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name, image: 'busybox', command: ['bash', '-c'], args: [script] }] } } },
});

describe(`runJobManifest (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  it('runs a Job printing SPINNAKER_PROPERTY_VERSION=1.2.3; a later stage reads ${version}', async () => {
    const run = await savedPipeline(gantry, 'shop', [
      {
        refId: 'build', name: 'Build', type: 'runJobManifest', account: 'k8s', credentials: 'k8s', cloudProvider: 'kubernetes', application: 'shop', alias: 'runJob',
        source: 'text', consumeArtifactSource: 'propertyFile', propertyFile: 'build',
        manifest: job('build', 'echo building ${parameters.version} && echo SPINNAKER_PROPERTY_VERSION=1.2.3'),
      },
      {
        refId: 'use', requisiteStageRefIds: ['build'], type: 'evaluateVariables',
        variables: [{ key: 'image', value: 'registry.local/shop:${version}' }, { key: 'same', value: "${#stage('Build').outputs.version}" }],
      },
    ]);
    const execution = await run({ version: '7' });
    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    const build = stageOf(execution, 'build').outputs;
    expect(build).toMatchObject({ version: '1.2.3', logs: { build: 'building 7\nSPINNAKER_PROPERTY_VERSION=1.2.3' }, jobStatus: { status: 'SUCCEEDED', namespace: NAMESPACE } });
    expect(stageOf(execution, 'use').outputs).toMatchObject({ image: 'registry.local/shop:1.2.3', same: '1.2.3' });
    // kubectl sees the one Job the stage made, complete.
    const jobName = (build.jobStatus as { name: string }).name;
    expect(jobName).toMatch(/^build-[a-z0-9]{5}$/);
    const listed = JSON.parse(await kubectl(fake.url, ['--namespace', NAMESPACE, 'get', 'jobs', '-o', 'json'])) as { items: { metadata: { name: string }; status: { succeeded?: number } }[] };
    expect(listed.items.filter((item) => item.metadata.name.startsWith('build-')).map((item) => [item.metadata.name, item.status.succeeded])).toEqual([[jobName, 1]]);
  });

  it('fails the stage naming the Job, the cluster\'s reason and its last log lines when the Job fails', async () => {
    const run = await savedPipeline(gantry, 'shop', [{
      refId: 'migrate', type: 'runJobManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text',
      manifest: job('migrate', 'echo applying 0042 && echo column exists && exit 2'),
    }]);
    const execution = await run();
    expect(execution.status).toBe('TERMINAL');
    expect((outcomeOf(execution).errors.migrate as { message: string }).message).toMatch(
      new RegExp(`^job migrate-[a-z0-9]{5} in ${NAMESPACE}: job failed: Job has reached the specified backoff limit \\(last log lines of pod migrate-[a-z0-9]{5}-[a-z0-9]{5}: migrate: applying 0042 \\| column exists\\)$`),
    );
  });
});

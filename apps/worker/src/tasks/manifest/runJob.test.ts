/** runJobManifest's tasks against the fake API server, including the repeat a crash causes. */
import { accountSchema, ProviderRegistry } from '@gantry/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../../../../../test/fakes/kubernetes';
import { eventually } from '../../../../../test/support/eventually';
import type { TaskContext, TaskResult } from '../Task';
import { makeTaskContext, nextRun, nextTask } from '../testContext';
import { runJobTask, waitOnJobCompletionTask } from './runJob';

let fake: FakeKubernetes;
let registry: ProviderRegistry;

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 20 });
  registry = new ProviderRegistry([accountSchema.parse({ name: 'k8s', provider: 'kubernetes', server: fake.url, namespace: 'ns1' })]);
});
afterAll(async () => {
  await fake.close();
});

const job = (metadata: Record<string, unknown>, containers: { name: string; script: string }[]) => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata,
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: containers.map(({ name, script }) => ({ name, image: 'busybox', command: ['sh', '-c', script] })) } } },
});

function runContext(context: Record<string, unknown>, stageId = 'stage-1'): TaskContext {
  const ctx = makeTaskContext({ stage: { type: 'runJobManifest', context: { account: 'k8s', ...context } }, task: { name: 'runJob' }, services: { providers: registry } });
  return { ...ctx, stage: { ...ctx.stage, id: stageId } };
}

async function waitOn(ctx: TaskContext, created: TaskResult): Promise<TaskResult> {
  const waiting = nextTask(ctx, created, 'waitOnJobCompletion');
  return eventually(async () => {
    const result = await waitOnJobCompletionTask.run(nextRun(waiting, { status: 'RUNNING', retryAfterMs: 0 }));
    return result.status === 'RUNNING' ? undefined : result;
  });
}

const jobNames = () => fake.state.list('jobs', 'ns1').map((object) => String(object.metadata.name));

describe('runJobManifest tasks', () => {
  it('creates the Job once when runJob runs again after a crash, under a name fixed by the stage; another stage gets its own', async () => {
    const ctx = runContext({ manifest: job({ generateName: 'once-' }, [{ name: 'main', script: 'echo hi' }]) });
    const first = await runJobTask.run(ctx);
    const again = await runJobTask.run(ctx);
    expect(again).toEqual(first);
    expect(jobNames().filter((name) => name.startsWith('once-'))).toEqual([expect.stringMatching(/^once-[a-z0-9]{5}$/)]);
    expect(first).toMatchObject({ status: 'SUCCEEDED', outputs: { 'deploy.jobs': { ns1: [jobNames()[0]] } } });
    const live = fake.state.get('jobs', jobNames()[0] ?? '', 'ns1');
    expect(live?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gantry' });
    await runJobTask.run(runContext({ manifest: job({ generateName: 'once-' }, [{ name: 'main', script: 'echo hi' }]) }, 'stage-2'));
    expect(jobNames().filter((name) => name.startsWith('once-'))).toHaveLength(2);
  });

  it('reads properties from the propertyFile container only, keeps each container\'s log tail', async () => {
    const ctx = runContext({
      propertyFile: 'build', consumeArtifactSource: 'propertyFile',
      manifest: job({ name: 'build' }, [
        { name: 'build', script: 'echo compiling; echo SPINNAKER_PROPERTY_COMMIT_ID=ab12cd3; echo \'SPINNAKER_CONFIG_JSON={"replicas":3}\'' },
        { name: 'sidecar', script: 'echo SPINNAKER_PROPERTY_IGNORED=yes' },
      ]),
    }, 'stage-3');
    const done = await waitOn(ctx, await runJobTask.run(ctx));
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      outputs: {
        commit_id: 'ab12cd3', replicas: 3, propertyFileContents: { commit_id: 'ab12cd3', replicas: 3 },
        logs: { build: 'compiling\nSPINNAKER_PROPERTY_COMMIT_ID=ab12cd3\nSPINNAKER_CONFIG_JSON={"replicas":3}', sidecar: 'SPINNAKER_PROPERTY_IGNORED=yes' },
      },
    });
    expect(done.outputs).not.toHaveProperty('ignored');
  });

  it('fails naming a propertyFile that is not a container, and a manifest that is not a Job', async () => {
    const ctx = runContext({ propertyFile: 'nope', manifest: job({ name: 'lonely' }, [{ name: 'main', script: 'echo hi' }]) }, 'stage-4');
    expect(await waitOn(ctx, await runJobTask.run(ctx))).toEqual({
      status: 'TERMINAL', error: expect.stringMatching(/^job lonely-[a-z0-9]{5} in ns1: propertyFile nope is not a container of its pod lonely-[a-z0-9]{5}-[a-z0-9]{5} \(main\)$/),
    });
    expect(await runJobTask.run(runContext({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }))).toEqual({ status: 'TERMINAL', error: 'manifest (ConfigMap x): runJobManifest runs a Job, not a ConfigMap' });
  });
});

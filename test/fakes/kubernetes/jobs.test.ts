/** The simulated Job controller, observed through client-node and kubectl: pods that run the manifest's echo/exit, logs, backoffLimit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Job } from '@kubernetes/client-node';
import { kubectl } from '../../support/kubeTools';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { clientsFor, eventually, type Clients } from './testSupport';

let fake: FakeKubernetes;
let k: Clients;
const namespace = 'ns1';

beforeAll(async () => {
  fake = await startFakeKubernetes({ readyDelayMs: 20 });
  k = clientsFor(fake.url);
});
afterAll(() => fake.close());

const job = (name: string, script: string, backoffLimit = 0): V1Job => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
  spec: { backoffLimit, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }] } } },
});

const finished = (name: string) => eventually(async () => {
  const read = await k.batch.readNamespacedJob({ name, namespace });
  return read.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? read : undefined;
});

describe('simulated job controller', () => {
  it('runs a Job whose script succeeds: Complete, and its echo lines are the pod log (kubectl logs reads them, tailLines too)', async () => {
    await k.batch.createNamespacedJob({ namespace, body: job('hello', 'echo starting; echo SPINNAKER_PROPERTY_VERSION=1.2.3 && exit 0') });
    const done = await finished('hello');
    expect(done.status).toMatchObject({ succeeded: 1 });
    expect(done.status?.conditions?.map((c) => c.type)).toContain('Complete');
    const [pod] = (await k.core.listNamespacedPod({ namespace, labelSelector: 'job-name=hello' })).items;
    expect(pod?.status?.phase).toBe('Succeeded');
    const name = pod?.metadata?.name ?? '';
    expect(await kubectl(fake.url, ['--namespace', namespace, 'logs', name])).toBe('starting\nSPINNAKER_PROPERTY_VERSION=1.2.3\n');
    expect(await kubectl(fake.url, ['--namespace', namespace, 'logs', name, '--tail', '1'])).toBe('SPINNAKER_PROPERTY_VERSION=1.2.3\n');
  });

  it('retries a failing pod up to backoffLimit, then marks the Job Failed with BackoffLimitExceeded', async () => {
    await k.batch.createNamespacedJob({ namespace, body: job('broken', 'echo migrating; exit 3', 1) });
    const done = await finished('broken');
    expect(done.status?.failed).toBe(2);
    expect(done.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    const pods = (await k.core.listNamespacedPod({ namespace, labelSelector: 'job-name=broken' })).items;
    expect(pods.map((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode)).toEqual([3, 3]);
  });

  it('deletes a Job\'s pods with it', async () => {
    await k.batch.deleteNamespacedJob({ name: 'hello', namespace });
    await eventually(async () => ((await k.core.listNamespacedPod({ namespace, labelSelector: 'job-name=hello' })).items.length === 0 ? true : undefined));
  });
});

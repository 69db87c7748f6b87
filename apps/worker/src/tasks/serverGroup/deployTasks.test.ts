import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation, TaskResult } from '../Task';
import { TransientTaskError } from '../Task';
import { makeTaskContext, nextRun, nextTask, runUntilComplete } from '../testContext';
import { createServerGroupTask } from './createServerGroup';
import { determineServerGroupNameTask } from './determineServerGroupName';
import { destroyOldServerGroupsTask, disableOldServerGroupsTask } from './strategies/highlander';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { enableServerGroupTask } from './trafficTasks';
import { waitForUpInstancesTask } from './waitForUpInstances';

const deployContext = (provider: MemoryProvider, extra: Record<string, unknown> = {}) =>
  makeTaskContext({
    stage: {
      type: 'deploy',
      context: {
        cluster: {
          account: 'k8s',
          namespace: 'ns1',
          application: 'app',
          stack: 'prod',
          strategy: 'highlander',
          image: 'img:2',
          capacity: { min: 2, max: 2, desired: 2 },
        },
        ...extra,
      },
    },
    task: { name: 'determineServerGroupName' },
    services: { providers: memoryDirectory(provider) },
  });

/** Runs one task of the stage to completion (polling as the engine would) and moves to the next. */
async function step(task: TaskImplementation, ctx: TaskContext, onPoll?: (runs: number) => void): Promise<{ result: TaskResult; ctx: TaskContext }> {
  let current = { ...ctx, task: { ...ctx.task, name: task.name } };
  for (let runs = 1; runs <= 50; runs++) {
    const result = await task.run(current);
    if (result.status !== 'RUNNING') return { result, ctx: nextTask(current, result, 'next') };
    onPoll?.(runs);
    current = nextRun(current, result);
  }
  throw new Error(`${task.name} did not finish`);
}

describe('deploy with highlander, task by task', () => {
  it('names v001 after v000, and only touches v000 once v001 is up and in traffic', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { image: 'img:1', capacity: { min: 2, max: 2, desired: 2 } });
    let ctx = deployContext(provider);

    const named = await step(determineServerGroupNameTask, ctx);
    expect(named.result).toEqual({
      status: 'SUCCEEDED',
      outputs: {
        serverGroupName: 'app-prod-v001',
        account: 'k8s',
        location: 'ns1',
        cluster: 'app-prod',
        previousServerGroup: 'app-prod-v000',
        image: 'img:2',
        'deploy.account.name': 'k8s',
        'deploy.server.groups': { ns1: ['app-prod-v001'] },
      },
    });
    ctx = (await step(createServerGroupTask, named.ctx)).ctx;
    expect(provider.groups.get('app-prod-v001')).toMatchObject({ enabled: false, image: 'img:2', capacity: { desired: 2 } });

    const waited = await step(waitForUpInstancesTask, ctx, (runs) => {
      if (runs === 2) provider.setUp('app-prod-v001', 1);
      if (runs === 3) provider.setUp('app-prod-v001', 2);
    });
    expect(waited.result).toMatchObject({ status: 'SUCCEEDED', outputs: { health: { up: 2, desired: 2 } } });
    expect(provider.log).toEqual(['create app-prod-v001']);

    ctx = (await step(enableServerGroupTask, waited.ctx)).ctx;
    const disabled = await step(disableOldServerGroupsTask, ctx);
    expect(disabled.result).toEqual({ status: 'SUCCEEDED', outputs: { disabledServerGroups: ['app-prod-v000'] } });
    const destroyed = await step(destroyOldServerGroupsTask, disabled.ctx);
    expect(destroyed.result).toEqual({ status: 'SUCCEEDED', outputs: { destroyedServerGroups: ['app-prod-v000'] } });

    expect(provider.log).toEqual(['create app-prod-v001', 'enable app-prod-v001', 'disable app-prod-v000', 'destroy app-prod-v000']);
    expect([...provider.groups.keys()]).toEqual(['app-prod-v001']);
  });

  it('starts a new cluster at v000 with no previous group', async () => {
    const provider = new MemoryProvider();
    const { result } = await step(determineServerGroupNameTask, deployContext(provider));
    expect(result).toMatchObject({ status: 'SUCCEEDED', outputs: { serverGroupName: 'app-prod-v000', previousServerGroup: null } });
  });

  it('resumes a create that was cut off: same name, the same single group', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    const named = await step(determineServerGroupNameTask, deployContext(provider));
    // The first run created the group, then the worker died before its result was committed.
    await createServerGroupTask.run({ ...named.ctx, task: { ...named.ctx.task, name: 'createServerGroup' } });
    const again = await step(createServerGroupTask, named.ctx);
    expect(again.result.status).toBe('SUCCEEDED');
    expect([...provider.groups.keys()].filter((name) => name.endsWith('v001'))).toEqual(['app-prod-v001']);
    expect(provider.log).toEqual(['create app-prod-v001']);
  });

  it('fails the wait after waitForUpTimeoutSec naming the group and its health, leaving the old group serving', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    const named = await step(determineServerGroupNameTask, deployContext(provider, { waitForUpTimeoutSec: 2 }));
    const created = await step(createServerGroupTask, named.ctx);
    provider.setUp('app-prod-v001', 1, 1);
    const ctx = { ...created.ctx, task: { ...created.ctx.task, name: 'waitForUpInstances', startTime: new Date(Date.now() - 3_000) } };
    expect(await waitForUpInstancesTask.run(ctx)).toEqual({
      status: 'TERMINAL',
      error:
        'server group app-prod-v001 (account k8s, location ns1) did not have all instances up within 2 s (waitForUpTimeoutSec): up 1/2, down 1, unknown 0',
      outputs: { health: { desired: 2, up: 1, down: 1, unknown: 0 } },
    });
    expect(provider.groups.get('app-prod-v000')?.enabled).toBe(true);
  });

  it('fails the wait at once when the provider reports a failure the instances will not recover from', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    const named = await step(determineServerGroupNameTask, deployContext(provider));
    const created = await step(createServerGroupTask, named.ctx);
    provider.setUp('app-prod-v001', 0, 2);
    provider.groups.get('app-prod-v001')!.failure = 'instance app-prod-v001-1 failed 3 times in a row before getting healthy; last: exit code 3; stderr: boom';
    expect(await waitForUpInstancesTask.run({ ...created.ctx, task: { ...created.ctx.task, name: 'waitForUpInstances' } })).toEqual({
      status: 'TERMINAL',
      error:
        'server group app-prod-v001 (account k8s, location ns1) cannot get its instances up: instance app-prod-v001-1 failed 3 times in a row before getting healthy; last: exit code 3; stderr: boom (up 0/2, down 2, unknown 0)',
      outputs: { health: { desired: 2, up: 0, down: 2, unknown: 0 } },
    });
  });

  it('polls quickly at first and never past the deadline', async () => {
    const provider = new MemoryProvider();
    const named = await step(determineServerGroupNameTask, deployContext(provider, { waitForUpTimeoutSec: 1 }));
    const created = await step(createServerGroupTask, named.ctx);
    const ctx = { ...created.ctx, task: { ...created.ctx.task, startTime: new Date(Date.now() - 900) } };
    const result = await waitForUpInstancesTask.run(ctx);
    expect(result.status).toBe('RUNNING');
    // 250 ms would be the first poll's delay, but only ~100 ms are left.
    expect(result.status === 'RUNNING' && result.retryAfterMs).toBeGreaterThan(0);
    expect(result.status === 'RUNNING' && result.retryAfterMs).toBeLessThanOrEqual(100);
  });

  it('refuses to disable or destroy old groups while the new one is down or not in traffic, and waits while its health is unknown', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    const named = await step(determineServerGroupNameTask, deployContext(provider));
    const created = await step(createServerGroupTask, named.ctx);
    expect(await disableOldServerGroupsTask.run(created.ctx)).toMatchObject({ status: 'RUNNING' });
    provider.setUp('app-prod-v001', 1, 1);
    expect(await disableOldServerGroupsTask.run(created.ctx)).toEqual({
      status: 'TERMINAL',
      error: 'the new server group app-prod-v001 (account k8s, location ns1) is not up (up 1/2, down 1, unknown 0); refusing to touch the old server groups',
    });
    provider.setUp('app-prod-v001', 2);
    expect(await destroyOldServerGroupsTask.run(created.ctx)).toEqual({
      status: 'TERMINAL',
      error: 'the new server group app-prod-v001 (account k8s, location ns1) takes no traffic; refusing to touch the old server groups',
    });
    expect(provider.log).toEqual(['create app-prod-v001']);
  });

  it('tolerates old groups that were disabled or deleted by someone else meanwhile', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    provider.seed('app-prod-v001', { enabled: false });
    const created = provider.seed('app-prod-v002');
    const ctx = makeTaskContext({
      stage: { outputs: { serverGroupName: created.name, account: 'k8s', location: 'ns1', cluster: 'app-prod' } },
      services: { providers: memoryDirectory(provider) },
    });
    // The first run decides to disable v000, which someone deletes before the call.
    const first = await disableOldServerGroupsTask.run(ctx);
    expect(first).toMatchObject({ status: 'RUNNING', state: { acted: ['app-prod-v000'] } });
    provider.groups.delete('app-prod-v000');
    const { result } = await runUntilComplete(disableOldServerGroupsTask, nextRun(ctx, first));
    expect(result).toEqual({ status: 'SUCCEEDED', outputs: { disabledServerGroups: ['app-prod-v000'] } });
    const destroyed = await runUntilComplete(destroyOldServerGroupsTask, ctx);
    expect(destroyed.result).toEqual({ status: 'SUCCEEDED', outputs: { destroyedServerGroups: ['app-prod-v001'] } });
    expect([...provider.groups.keys()]).toEqual(['app-prod-v002']);
  });

  it('classifies provider failures: throttling retried by the engine, forbidden TERMINAL with the provider message', async () => {
    const provider = new MemoryProvider();
    const ctx = deployContext(provider);
    provider.failNext('listServerGroups', 'Throttled', 'Too Many Requests');
    await expect(determineServerGroupNameTask.run(ctx)).rejects.toThrow(TransientTaskError);
    provider.failNext('listServerGroups', 'Fatal', 'Forbidden: deployments.apps is forbidden');
    expect(await determineServerGroupNameTask.run(ctx)).toEqual({
      status: 'TERMINAL',
      error: 'kubernetes/listServerGroups: Forbidden: deployments.apps is forbidden (account k8s, namespace ns1)',
    });
    expect((await determineServerGroupNameTask.run(ctx)).status).toBe('SUCCEEDED');
  });

  it('names an unknown account and where accounts come from', async () => {
    const provider = new MemoryProvider();
    const ctx = deployContext(provider);
    const cluster = { ...(ctx.stage.context.cluster as Record<string, unknown>), account: 'aws-prod' };
    expect(await determineServerGroupNameTask.run({ ...ctx, stage: { ...ctx.stage, context: { cluster } } })).toEqual({
      status: 'TERMINAL',
      error: 'unknown account aws-prod; known accounts: k8s (accounts are read from the file named by GANTRY_ACCOUNTS_FILE)',
    });
  });

  it('says so when a later task runs without the name its first task records', async () => {
    const provider = new MemoryProvider();
    const ctx = { ...deployContext(provider), task: { ...deployContext(provider).task, name: 'createServerGroup' } };
    expect(await createServerGroupTask.run(ctx)).toMatchObject({
      status: 'TERMINAL',
      error: expect.stringContaining('no server group was recorded for this stage'),
    });
  });
});

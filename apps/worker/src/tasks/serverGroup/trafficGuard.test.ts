import { deployPolicySchema } from '@gantry/core';
import { describe, expect, it } from 'vitest';
import { makeTaskContext, runUntilComplete } from '../testContext';
import type { TaskContext, TaskImplementation } from '../Task';
import { destroyOldServerGroupsTask, disableOldServerGroupsTask } from './strategies/highlander';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { resizeServerGroupTask } from './resizeTasks';
import { destroyServerGroupTask, disableServerGroupTask } from './trafficTasks';

const policy = deployPolicySchema.parse({ trafficGuards: { app: [{ account: 'k8s', stack: 'prod' }] } });
const GUARD = 'traffic guard of app {account: k8s, location: *, stack: prod, detail: *}';
const capacity = { min: 2, max: 2, desired: 2 };
const up = { desired: 2, up: 2, down: 0, unknown: 0 };

/** A target stage that chose `chosen` in `cluster`, with the guard configured. */
function targetStage(provider: MemoryProvider, chosen: string, cluster = 'app-prod', context: Record<string, unknown> = {}): TaskContext {
  return makeTaskContext({
    stage: { type: 'disableServerGroup', context: { account: 'k8s', namespace: 'ns1', serverGroupName: chosen, ...context }, outputs: { serverGroupName: chosen, account: 'k8s', location: 'ns1', cluster } },
    services: { providers: memoryDirectory(provider), policy },
  });
}

async function run(task: TaskImplementation, ctx: TaskContext) {
  return (await runUntilComplete(task, { ...ctx, task: { ...ctx.task, name: task.name } })).result;
}

describe('traffic guards in the server group tasks', () => {
  it('refuses to disable, destroy or resize to 0 the last serving group of a protected cluster, naming the guard', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false });
    provider.seed('app-prod-v001');
    const refusal = (operation: string) =>
      `the ${GUARD} protects cluster app-prod (account k8s, location ns1): ${operation} of app-prod-v001 would leave the cluster with no enabled server group with instances up (serving now: app-prod-v001)`;
    expect(await run(disableServerGroupTask, targetStage(provider, 'app-prod-v001'))).toEqual({ status: 'TERMINAL', error: refusal('disable') });
    expect(await run(destroyServerGroupTask, targetStage(provider, 'app-prod-v001'))).toEqual({ status: 'TERMINAL', error: refusal('destroy') });
    const toZero = targetStage(provider, 'app-prod-v001', 'app-prod', { capacity: { min: 0, max: 2, desired: 0 } });
    expect(await run(resizeServerGroupTask, toZero)).toEqual({ status: 'TERMINAL', error: refusal('resize to 0') });
    expect(provider.log).toEqual([]);
  });

  it('lets them through while another group serves, and on clusters no guard protects', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    provider.seed('app-prod-v001');
    provider.seed('app-staging-v000');
    expect(await run(disableServerGroupTask, targetStage(provider, 'app-prod-v000'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await run(disableServerGroupTask, targetStage(provider, 'app-staging-v000', 'app-staging'))).toMatchObject({ status: 'SUCCEEDED' });
    const resize = targetStage(provider, 'app-prod-v001', 'app-prod', { capacity: { min: 1, max: 3, desired: 3 } });
    expect(await run(resizeServerGroupTask, resize)).toMatchObject({ status: 'SUCCEEDED' });
    expect(provider.log).toEqual(['disable app-prod-v000', 'disable app-staging-v000', 'resize app-prod-v001 3']);
  });

  it("lets a highlander whose new group serves replace the old one, but not one whose new group serves nothing", async () => {
    const deploy = (provider: MemoryProvider, created: string) =>
      makeTaskContext({
        stage: {
          type: 'deploy',
          context: { cluster: { account: 'k8s', namespace: 'ns1', application: 'app', stack: 'prod', strategy: 'highlander', image: 'img:2', capacity } },
          outputs: { serverGroupName: created, account: 'k8s', location: 'ns1', cluster: 'app-prod' },
        },
        services: { providers: memoryDirectory(provider), policy },
      });
    const healthy = new MemoryProvider();
    healthy.seed('app-prod-v000', { capacity, health: up });
    healthy.seed('app-prod-v001', { capacity, health: up });
    expect(await run(disableOldServerGroupsTask, deploy(healthy, 'app-prod-v001'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await run(destroyOldServerGroupsTask, deploy(healthy, 'app-prod-v001'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(healthy.log).toEqual(['disable app-prod-v000', 'destroy app-prod-v000']);

    // Its new group came up with no instance (asked for 0, or every instance gone): it serves nothing.
    const failed = new MemoryProvider();
    failed.seed('app-prod-v000', { capacity, health: up });
    failed.seed('app-prod-v001', { capacity: { min: 0, max: 0, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } });
    expect(await run(disableOldServerGroupsTask, deploy(failed, 'app-prod-v001'))).toEqual({
      status: 'TERMINAL',
      error: `the ${GUARD} protects cluster app-prod (account k8s, location ns1): disable of app-prod-v000 would leave the cluster with no enabled server group with instances up (serving now: app-prod-v000)`,
    });
    expect(failed.log).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation } from '../../Task';
import { makeTaskContext, nextTask, runUntilComplete } from '../../testContext';
import { MemoryProvider, memoryDirectory } from '../../cloud/testProvider';
import { determineDeployRollbackTask, determineRollbackServerGroupsTask } from './determineRollback';
import { disableRolledBackServerGroupTask, restoreServerGroupTask } from './restoreTasks';

const two = { min: 2, max: 2, desired: 2 };
const scaledDown = { capacity: { min: 0, max: 0, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } };

function rollbackContext(provider: MemoryProvider, fields: Record<string, unknown> = {}, knownHealthy: string[] = []): TaskContext {
  return makeTaskContext({
    execution: { trigger: { type: 'rollback', user: 'ana', requestedAt: new Date(Date.now() - 1_000).toISOString() } },
    stage: { type: 'rollbackCluster', context: { account: 'k8s', namespace: 'ns1', cluster: 'app-prod', ...fields } },
    task: { name: 'determineRollbackServerGroups' },
    services: { providers: memoryDirectory(provider), knownHealthyServerGroups: async () => new Set(knownHealthy) },
  });
}

/** Runs the tasks in order as the engine would, `onPoll` seeing each poll of each task. */
async function runAll(ctx: TaskContext, tasks: TaskImplementation[], onPoll: (task: string, runs: number) => void = () => undefined) {
  let current = ctx;
  const results = [];
  for (const task of tasks) {
    current = { ...current, task: { ...current.task, name: task.name, state: {}, polls: 0, startTime: new Date() } };
    let runs = 0;
    const wrapped: TaskImplementation = { ...task, run: (c) => (onPoll(task.name, ++runs), task.run(c)) };
    const { result } = await runUntilComplete(wrapped, current);
    results.push(result);
    current = nextTask(current, result, 'next');
    if (result.status !== 'SUCCEEDED') break;
  }
  return { results, outputs: current.stage.outputs, ctx: current };
}

const RESTORE = [restoreServerGroupTask, disableRolledBackServerGroupTask];

describe('rollbackCluster, task by task', () => {
  it('restores the newest group known healthy: enable, resize to the load, wait up, then take the bad group out', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, capacity: two });
    provider.seed('app-prod-v001', { enabled: false, ...scaledDown });
    provider.seed('app-prod-v002', { capacity: two, health: { desired: 2, up: 2, down: 0, unknown: 0 } });

    const { results, outputs } = await runAll(rollbackContext(provider, {}, ['app-prod-v001']), [determineRollbackServerGroupsTask, ...RESTORE], (task, runs) => {
      // The resized group's instances come up a few polls later.
      if (task === 'restoreServerGroup' && runs === 4) provider.setUp('app-prod-v001', 2);
    });
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(outputs).toMatchObject({
      account: 'k8s',
      location: 'ns1',
      cluster: 'app-prod',
      restoredServerGroup: 'app-prod-v001',
      rolledBackServerGroup: 'app-prod-v002',
      rollbackCapacity: two,
      rollbackDurationMs: expect.any(Number),
    });
    expect(outputs.rollbackDurationMs).toBeGreaterThanOrEqual(1_000);
    expect(provider.log).toEqual(['enable app-prod-v001', 'resize app-prod-v001 2', 'disable app-prod-v002']);
  });

  it('repeats nothing when re-run after a crash: the decision is recorded, each step reads the cluster', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { capacity: two, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    provider.seed('app-prod-v001', { capacity: two, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    const first = await runAll(rollbackContext(provider), [determineRollbackServerGroupsTask, ...RESTORE]);
    expect(first.outputs).toMatchObject({ restoredServerGroup: 'app-prod-v000', rolledBackServerGroup: 'app-prod-v001' });
    expect(provider.log).toEqual(['disable app-prod-v001']);
    // A worker dies after the last step, before its result is committed: the restore runs again.
    const again = await runAll(first.ctx, RESTORE);
    expect(again.results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(provider.log).toEqual(['disable app-prod-v001']);
  });

  it('restores an explicit group, and refuses with the reason when nothing healthy is older', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, ...scaledDown });
    provider.seed('app-prod-v001');
    const explicit = await runAll(rollbackContext(provider, { serverGroupName: 'app-prod-v000', targetHealthyRollbackPercentage: 50 }), [
      determineRollbackServerGroupsTask,
    ]);
    expect(explicit.outputs).toMatchObject({ restoredServerGroup: 'app-prod-v000', rollbackCapacity: { desired: 1 } });

    const refused = await determineRollbackServerGroupsTask.run(rollbackContext(provider));
    expect(refused).toEqual({
      status: 'TERMINAL',
      error: 'cannot roll back cluster app-prod (account k8s, location ns1): no server group older than app-prod-v001 is known to have been healthy',
    });
  });

  it('keeps the bad group serving when the restored one does not come up in time', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, ...scaledDown });
    provider.seed('app-prod-v001');
    const decided = await runAll(rollbackContext(provider, { waitForUpTimeoutSec: 1 }, ['app-prod-v000']), [determineRollbackServerGroupsTask]);
    const ctx = { ...decided.ctx, task: { ...decided.ctx.task, name: 'restoreServerGroup', startTime: new Date(Date.now() - 2_000) } };
    const { result } = await runUntilComplete(restoreServerGroupTask, ctx);
    expect(result).toEqual({
      status: 'TERMINAL',
      error:
        'the restored server group app-prod-v000 in app-prod (account k8s, location ns1) did not have its instances up within 1 s (waitForUpTimeoutSec): up 0/1, down 0, unknown 0; app-prod-v001 keeps the traffic',
    });
    expect(await disableRolledBackServerGroupTask.run(ctx)).toEqual({
      status: 'TERMINAL',
      error: 'the restored server group app-prod-v000 is not ready to take the traffic (next step: waitHealthy); refusing to take app-prod-v001 out of traffic',
    });
    expect(provider.groups.get('app-prod-v001')?.enabled).toBe(true);
  });
});

describe("a deploy's rollback.onFailure", () => {
  const deployed = (provider: MemoryProvider, outputs: Record<string, unknown>) =>
    makeTaskContext({
      stage: { type: 'deploy', outputs, context: {} },
      services: { providers: memoryDirectory(provider) },
    });
  const DEPLOY_ROLLBACK = [determineDeployRollbackTask, ...RESTORE];

  it('takes the new group out of traffic and leaves the old one serving', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    // The new group was enabled (a later step failed) but never got healthy.
    provider.seed('app-prod-v001', { health: { desired: 1, up: 0, down: 1, unknown: 0 } });
    const ctx = deployed(provider, { serverGroupName: 'app-prod-v001', account: 'k8s', location: 'ns1', cluster: 'app-prod' });
    provider.groups.get('app-prod-v000')!.enabled = false;
    const { results, outputs } = await runAll(ctx, DEPLOY_ROLLBACK);
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(outputs).toMatchObject({ restoredServerGroup: 'app-prod-v000', rolledBackServerGroup: 'app-prod-v001', rollbackDurationMs: expect.any(Number) });
    expect(provider.log).toEqual(['enable app-prod-v000', 'disable app-prod-v001']);
  });

  it('has nothing to undo when the deploy failed before its group existed', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000');
    const unnamed = await runAll(deployed(provider, {}), DEPLOY_ROLLBACK);
    expect(unnamed.outputs).toEqual({ rollbackSkipped: 'the deploy failed before it named its server group' });
    const uncreated = await runAll(deployed(provider, { serverGroupName: 'app-prod-v001', account: 'k8s', location: 'ns1', cluster: 'app-prod' }), DEPLOY_ROLLBACK);
    expect(uncreated.results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(uncreated.outputs).toMatchObject({ rollbackSkipped: 'app-prod-v001 was never created' });
    expect(provider.log).toEqual([]);
  });
});

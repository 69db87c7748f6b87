import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../Task';
import { makeTaskContext, nextRun, nextTask } from '../testContext';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { determineTargetServerGroupTask } from './determineTargetServerGroup';
import { chooseChaosVictimsTask, terminateChaosVictimsTask, waitForChaosRecoveryTask } from './chaosTasks';

/** app-v001 serving with 3 instances up. */
function group(): MemoryProvider {
  const provider = new MemoryProvider();
  provider.seed('app-v001', { capacity: { min: 3, max: 3, desired: 3 }, health: { desired: 3, up: 3, down: 0, unknown: 0 } });
  return provider;
}

async function chosen(provider: MemoryProvider, fields: Record<string, unknown>): Promise<TaskContext> {
  const ctx = makeTaskContext({
    stage: { type: 'chaos', context: { account: 'k8s', namespace: 'ns1', cluster: 'app', target: 'current', ...fields } },
    services: { providers: memoryDirectory(provider) },
  });
  return nextTask(ctx, await determineTargetServerGroupTask.run(ctx), 'chooseChaosVictims');
}

describe('chaos stage, task by task', () => {
  it('records one victim before killing it, kills it once however often the kill is retried, and waits for the group to heal', async () => {
    const provider = group();
    const chooseCtx = await chosen(provider, { count: 1 });
    const choice = await chooseChaosVictimsTask.run(chooseCtx);
    expect(choice).toMatchObject({ status: 'SUCCEEDED', outputs: { victims: [expect.stringMatching(/^app-v001-\d\.0$/)], desired: 3, dryRun: false } });
    expect(provider.log).toEqual([]);
    const killCtx = nextTask(chooseCtx, choice, 'terminateChaosVictims');
    const killed = await terminateChaosVictimsTask.run(killCtx);
    await terminateChaosVictimsTask.run(killCtx);
    const victim = (choice.outputs as { victims: string[] }).victims[0];
    expect(provider.log).toEqual([`terminate ${victim}`]);
    const waitCtx = nextTask(killCtx, killed, 'waitForChaosRecovery');
    expect((await waitForChaosRecoveryTask.run(waitCtx)).status).toBe('RUNNING');
    provider.setUp('app-v001', 3);
    expect(await waitForChaosRecoveryTask.run(nextRun(waitCtx, { status: 'RUNNING', retryAfterMs: 1 }))).toMatchObject({ status: 'SUCCEEDED', outputs: { recovered: true } });
  });

  it('refuses a kill below minHealthyPercent, naming why, and kills nothing', async () => {
    const provider = group();
    expect(await chooseChaosVictimsTask.run(await chosen(provider, { count: 1, minHealthyPercent: 100 }))).toMatchObject({
      status: 'TERMINAL',
      error: 'chaos refused on app-v001 (account k8s, location ns1): terminating 1 of 3 instances would leave 2 of 3 healthy (66 %), below minHealthyPercent 100 (3 healthy now)',
    });
    expect(provider.log).toEqual([]);
  });

  it('fails the stage when the group is not healthy again within expectRecoveryWithinSec', async () => {
    const provider = group();
    const chooseCtx = await chosen(provider, { percentage: 34, expectRecoveryWithinSec: 1 });
    const choice = await chooseChaosVictimsTask.run(chooseCtx);
    const killCtx = nextTask(chooseCtx, choice, 'terminateChaosVictims');
    const waitCtx = nextTask(killCtx, await terminateChaosVictimsTask.run(killCtx), 'waitForChaosRecovery');
    const late = { ...waitCtx, task: { ...waitCtx.task, startTime: new Date(Date.now() - 1_500) } };
    expect(await waitForChaosRecoveryTask.run(late)).toMatchObject({
      status: 'TERMINAL',
      error: expect.stringMatching(/^server group app-v001 \(account k8s, location ns1\) did not recover within 1 s \(expectRecoveryWithinSec\) after terminating app-v001-\d\.0: up 2\/3/),
    });
  });
});

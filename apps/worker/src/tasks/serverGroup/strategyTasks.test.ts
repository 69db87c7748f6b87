import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation } from '../Task';
import { TransientTaskError } from '../Task';
import { makeTaskContext, nextRun, nextTask, runUntilComplete } from '../testContext';
import { disableOldServerGroupsTask } from './strategies/highlander';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { scaleDownOldServerGroupsTask, shrinkClusterTask, waitBeforeScaleDownTask } from './strategies/redBlack';
import { rollTrafficInStepsTask } from './strategies/rollingRedBlack';
import { enableServerGroupTask } from './trafficTasks';

const capacity = { min: 2, max: 2, desired: 2 };
const scaledToZero = { capacity: { min: 0, max: 2, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } };

/** A deploy stage of app-prod whose first tasks made `created` (it exists in `provider`). */
function deployContext(provider: MemoryProvider, created: string, cluster: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): TaskContext {
  return makeTaskContext({
    stage: {
      type: 'deploy',
      context: {
        cluster: { account: 'k8s', namespace: 'ns1', application: 'app', stack: 'prod', strategy: 'redblack', image: 'img:2', capacity, ...cluster },
        ...extra,
      },
      outputs: { serverGroupName: created, account: 'k8s', location: 'ns1', cluster: 'app-prod' },
    },
    services: { providers: memoryDirectory(provider) },
  });
}

/** Runs the tasks one after the other, each to completion, as the engine would; returns the stage outputs. */
async function runPlan(ctx: TaskContext, tasks: TaskImplementation[]): Promise<Record<string, unknown>> {
  let current = ctx;
  for (const task of tasks) {
    const { result, ctx: after } = await runUntilComplete(task, { ...current, task: { ...current.task, name: task.name } });
    if (result.status !== 'SUCCEEDED') throw new Error(`${task.name}: ${result.status} ${'error' in result ? result.error : ''}`);
    current = nextTask(after, result, 'next');
  }
  return current.stage.outputs;
}

/** A new group that came up out of traffic, as createServerGroup + waitForUpInstances leave it. */
function newGroup(provider: MemoryProvider, name: string): void {
  provider.seed(name, { enabled: false, capacity, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
}

describe('red/black tasks', () => {
  it('v000 → v001: v001 into traffic, v000 out of it, then scaled to 0 and kept (2 groups remain)', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { capacity, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    newGroup(provider, 'app-prod-v001');
    const outputs = await runPlan(deployContext(provider, 'app-prod-v001'), [
      enableServerGroupTask,
      disableOldServerGroupsTask,
      scaleDownOldServerGroupsTask,
      shrinkClusterTask,
    ]);
    expect(provider.log).toEqual(['enable app-prod-v001', 'disable app-prod-v000', 'resize app-prod-v000 0']);
    expect(outputs).toMatchObject({
      disabledServerGroups: ['app-prod-v000'],
      scaledDownServerGroups: ['app-prod-v000'],
      destroyedServerGroups: [],
    });
    expect(provider.groups.get('app-prod-v000')).toMatchObject({ enabled: false, capacity: { min: 0, max: 2, desired: 0 } });
  });

  it('a third deploy destroys the oldest group beyond maxRemainingServerGroups, never the new or a serving one', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, ...scaledToZero });
    provider.seed('app-prod-v001', { capacity, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    newGroup(provider, 'app-prod-v002');
    const later = provider.seed('app-prod-v003', { enabled: false, ...scaledToZero });
    const outputs = await runPlan(deployContext(provider, 'app-prod-v002'), [
      enableServerGroupTask,
      disableOldServerGroupsTask,
      scaleDownOldServerGroupsTask,
      shrinkClusterTask,
    ]);
    expect(provider.log).toEqual(['enable app-prod-v002', 'disable app-prod-v001', 'resize app-prod-v001 0', 'destroy app-prod-v000']);
    expect(outputs).toMatchObject({ scaledDownServerGroups: ['app-prod-v001'], destroyedServerGroups: ['app-prod-v000'] });
    // A later deployment's group is that deployment's business.
    expect([...provider.groups.keys()].sort()).toEqual(['app-prod-v001', 'app-prod-v002', later.name]);
  });

  it('keeps the old group at size without scaleDown, and keeps maxRemainingAsgs groups', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, ...scaledToZero });
    provider.seed('app-prod-v001', { capacity, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    newGroup(provider, 'app-prod-v002');
    const ctx = deployContext(provider, 'app-prod-v002', { scaleDown: false, maxRemainingAsgs: 3 });
    const outputs = await runPlan(ctx, [enableServerGroupTask, disableOldServerGroupsTask, shrinkClusterTask]);
    expect(provider.log).toEqual(['enable app-prod-v002', 'disable app-prod-v001']);
    expect(outputs).toMatchObject({ destroyedServerGroups: [] });
  });

  it('refuses to scale down or destroy old groups while the new one is not up', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, capacity });
    provider.seed('app-prod-v001', { capacity, health: { desired: 2, up: 1, down: 1, unknown: 0 } });
    const ctx = deployContext(provider, 'app-prod-v001');
    expect(await scaleDownOldServerGroupsTask.run(ctx)).toEqual({
      status: 'TERMINAL',
      error: 'the new server group app-prod-v001 (account k8s, location ns1) is not up (up 1/2, down 1, unknown 0); refusing to touch the old server groups',
    });
    expect(provider.log).toEqual([]);
  });

  it('waits delayBeforeScaleDownSec from the task\'s first run, which a resumed worker keeps', async () => {
    const provider = new MemoryProvider();
    newGroup(provider, 'app-prod-v001');
    const ctx = deployContext(provider, 'app-prod-v001', { delayBeforeScaleDownSec: 60 });
    const waiting = await waitBeforeScaleDownTask.run(ctx);
    expect(waiting.status).toBe('RUNNING');
    expect(waiting.status === 'RUNNING' && waiting.retryAfterMs).toBeGreaterThan(50_000);
    const resumed = { ...ctx, task: { ...ctx.task, startTime: new Date(Date.now() - 61_000) } };
    expect(await waitBeforeScaleDownTask.run(resumed)).toEqual({ status: 'SUCCEEDED' });
  });
});

describe('rolling red/black traffic task', () => {
  const rolling = (provider: MemoryProvider, cluster: Record<string, unknown> = {}) =>
    deployContext(provider, 'app-prod-v002', { strategy: 'rollingredblack', targetPercentages: [25, 50, 100], ...cluster });

  function twoOldGroupsServing(): MemoryProvider {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v000', { enabled: false, ...scaledToZero });
    provider.seed('app-prod-v001', { capacity, health: { desired: 2, up: 2, down: 0, unknown: 0 } });
    newGroup(provider, 'app-prod-v002');
    return provider;
  }

  it('moves traffic step by step to the new group, then the old one takes none', async () => {
    const provider = twoOldGroupsServing();
    const { result, outputs } = await runUntilComplete(rollTrafficInStepsTask, rolling(provider));
    expect(result).toEqual({ status: 'SUCCEEDED', outputs: { completedPercentages: [25, 50, 100] } });
    expect(provider.log).toEqual([
      'weights app-prod-v002=25 app-prod-v001=75',
      'weights app-prod-v002=50 app-prod-v001=50',
      'weights app-prod-v002=100 app-prod-v001=0',
    ]);
    expect(outputs).toMatchObject({ trafficWeights: { 'app-prod-v002': 100, 'app-prod-v001': 0 } });
    expect(provider.groups.get('app-prod-v001')?.enabled).toBe(false);
    expect(provider.groups.get('app-prod-v002')?.enabled).toBe(true);
  });

  it('gives the new group back the deploy\'s capacity when weighting resized it, and waits for it to be up', async () => {
    const provider = twoOldGroupsServing();
    // As a replica-ratio provider leaves it: the new group took its share of the replicas.
    provider.groups.get('app-prod-v002')!.capacity = { min: 1, max: 1, desired: 1 };
    let ctx = rolling(provider, { targetPercentages: [100] });
    let result = await rollTrafficInStepsTask.run(ctx);
    for (let run = 0; result.status === 'RUNNING' && run < 10 && !provider.log.some((line) => line.startsWith('resize')); run++) {
      ctx = nextRun(ctx, result);
      result = await rollTrafficInStepsTask.run(ctx);
    }
    expect(provider.log).toEqual(['weights app-prod-v002=100 app-prod-v001=0', 'resize app-prod-v002 2']);
    ctx = nextRun(ctx, result);
    provider.setUp('app-prod-v002', 1);
    expect(await rollTrafficInStepsTask.run(ctx)).toMatchObject({ status: 'RUNNING', state: { resizedAt: expect.any(Number) } });
    provider.setUp('app-prod-v002', 2);
    expect((await runUntilComplete(rollTrafficInStepsTask, ctx)).result).toEqual({ status: 'SUCCEEDED', outputs: { completedPercentages: [100] } });
  });

  it('waits for a judgment before each later step with judgment.betweenSteps; stop undoes the rollout', async () => {
    const provider = twoOldGroupsServing();
    let ctx = rolling(provider, { judgment: { betweenSteps: true } });
    const runUntilWaiting = async () => {
      for (let run = 0; run < 10; run++) {
        const result = await rollTrafficInStepsTask.run(ctx);
        ctx = nextRun(ctx, result);
        if (ctx.stage.outputs.awaitingJudgment !== undefined && ctx.stage.outputs.awaitingJudgment !== null) return result;
      }
      throw new Error('never awaited a judgment');
    };
    expect(await runUntilWaiting()).toMatchObject({ status: 'RUNNING', outputs: { awaitingJudgment: 'step50' } });
    expect(provider.log).toEqual(['weights app-prod-v002=25 app-prod-v001=75']);
    const judge = (name: string, judgmentStatus: string) => {
      const judgments = { ...(ctx.stage.context.judgments as Record<string, unknown> | undefined), [name]: { judgmentStatus, lastModifiedBy: 'ana' } };
      ctx = { ...ctx, stage: { ...ctx.stage, context: { ...ctx.stage.context, judgments } } };
    };
    judge('step50', 'continue');
    expect(await runUntilWaiting()).toMatchObject({ outputs: { awaitingJudgment: 'step100' } });
    expect(provider.log).toEqual(['weights app-prod-v002=25 app-prod-v001=75', 'weights app-prod-v002=50 app-prod-v001=50']);
    judge('step100', 'stop');
    const { result } = await runUntilComplete(rollTrafficInStepsTask, ctx);
    expect(result).toMatchObject({
      status: 'TERMINAL',
      error: expect.stringContaining('failed at step 3 of 3 (100% of traffic; held 25%, 50%): judged "stop" by ana before the step; traffic is back on app-prod-v001'),
    });
    expect(provider.weights.get('app-prod')).toEqual({ 'app-prod-v001': 100 });
  });

  it('holds each step but the last for delayBeforeNextStepSec, watching the new group meanwhile', async () => {
    const provider = twoOldGroupsServing();
    let ctx = rolling(provider, { delayBeforeNextStepSec: 30 });
    for (let run = 0; run < 3; run++) ctx = nextRun(ctx, await rollTrafficInStepsTask.run(ctx));
    const holding = await rollTrafficInStepsTask.run(ctx);
    expect(holding).toMatchObject({ status: 'RUNNING', state: { current: { percentage: 25 } } });
    expect(holding.status === 'RUNNING' && holding.retryAfterMs).toBeLessThanOrEqual(5_000);
    expect(provider.log).toEqual(['weights app-prod-v002=25 app-prod-v001=75']);
    // An instance goes down during the pause: the step fails although its time is not up.
    provider.setUp('app-prod-v002', 1, 1);
    const { result } = await runUntilComplete(rollTrafficInStepsTask, nextRun(ctx, holding));
    expect(result).toMatchObject({ status: 'TERMINAL', error: expect.stringContaining('failed at step 1 of 3 (25% of traffic; none held yet)') });
  });

  it('undoes a failed step: all traffic back on the old group, the new one disabled, then TERMINAL naming the step and why', async () => {
    const provider = twoOldGroupsServing();
    let ctx = rolling(provider);
    // 25 % applied and held, 50 % applied…
    for (let run = 0; run < 4; run++) ctx = nextRun(ctx, await rollTrafficInStepsTask.run(ctx));
    expect(ctx.task.state).toMatchObject({ completed: [25], current: { percentage: 50 } });
    // …then an instance of the new group goes down.
    provider.setUp('app-prod-v002', 1, 1);
    const { result, outputs } = await runUntilComplete(rollTrafficInStepsTask, ctx);
    expect(result).toEqual({
      status: 'TERMINAL',
      error:
        'rolling red/black of app-prod-v002 (account k8s, location ns1) failed at step 2 of 3 (50% of traffic; held 25%): app-prod-v002 has 1 instance(s) down (up 1/2, down 1, unknown 0); traffic is back on app-prod-v001 and app-prod-v002 is disabled',
      outputs: { completedPercentages: [25] },
    });
    expect(outputs).toMatchObject({ completedPercentages: [25] });
    expect(provider.log.slice(-2)).toEqual(['weights app-prod-v001=100', 'disable app-prod-v002']);
    expect(provider.weights.get('app-prod')).toEqual({ 'app-prod-v001': 100 });
    expect(provider.groups.get('app-prod-v001')?.enabled).toBe(true);
    expect(provider.groups.get('app-prod-v002')?.enabled).toBe(false);
  });

  it('resumes an undo that was cut off: the failure was recorded first, so the re-run goes on undoing', async () => {
    const provider = twoOldGroupsServing();
    let ctx = rolling(provider);
    for (let run = 0; run < 2; run++) ctx = nextRun(ctx, await rollTrafficInStepsTask.run(ctx));
    provider.setUp('app-prod-v002', 0, 2);
    const failing = await rollTrafficInStepsTask.run(ctx);
    expect(failing).toMatchObject({ status: 'RUNNING', state: { failure: { percentage: 25 } } });
    ctx = nextRun(ctx, failing);
    // The worker dies in the undo (a throttled API past the registry's retries)…
    provider.failNext('setTrafficWeights', 'Throttled');
    await expect(rollTrafficInStepsTask.run(ctx)).rejects.toThrow(TransientTaskError);
    // …the new group recovers meanwhile: the undo still completes, since the failure is on record.
    provider.setUp('app-prod-v002', 2);
    const { result } = await runUntilComplete(rollTrafficInStepsTask, ctx);
    expect(result).toMatchObject({ status: 'TERMINAL', error: expect.stringContaining('traffic is back on app-prod-v001') });
    expect(provider.groups.get('app-prod-v001')?.enabled).toBe(true);
    expect(provider.groups.get('app-prod-v002')?.enabled).toBe(false);
  });

  it('undoes a step the provider refused, and gives a first deployment all traffic at once', async () => {
    const provider = twoOldGroupsServing();
    provider.failNext('setTrafficWeights', 'Fatal', 'Forbidden: httproutes is forbidden');
    const { result } = await runUntilComplete(rollTrafficInStepsTask, rolling(provider));
    expect(result).toMatchObject({
      status: 'TERMINAL',
      error: expect.stringContaining('failed at step 1 of 3 (25% of traffic; none held yet): kubernetes/setTrafficWeights: Forbidden: httproutes is forbidden'),
    });

    const first = new MemoryProvider();
    newGroup(first, 'app-prod-v002');
    const done = await runUntilComplete(rollTrafficInStepsTask, rolling(first));
    expect(done.result).toEqual({ status: 'SUCCEEDED', outputs: { completedPercentages: [100] } });
    expect(first.log).toEqual(['weights app-prod-v002=100']);
  });
});

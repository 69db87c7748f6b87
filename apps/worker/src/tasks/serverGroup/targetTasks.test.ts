import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation } from '../Task';
import { makeTaskContext, nextRun, nextTask, runUntilComplete } from '../testContext';
import { determineTargetServerGroupTask } from './determineTargetServerGroup';
import { classifyFailure } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { pollDelayMs } from '../cloud/poll';
import { resizeServerGroupTask, waitForCapacityMatchTask } from './resizeTasks';
import { destroyServerGroupTask, disableServerGroupTask, enableServerGroupTask } from './trafficTasks';
import { ProviderError, UnknownAccountError } from '@gantry/providers';
import { ValidationError } from '@gantry/core';

/** v000 disabled (oldest), v001 serving, v002 serving and newest. */
function cluster(): MemoryProvider {
  const provider = new MemoryProvider();
  provider.seed('app-v000', { enabled: false });
  provider.seed('app-v001', { capacity: { min: 1, max: 5, desired: 3 }, health: { desired: 3, up: 3, down: 0, unknown: 0 } });
  provider.seed('app-v002');
  return provider;
}

function stage(provider: MemoryProvider, type: string, fields: Record<string, unknown>): TaskContext {
  return makeTaskContext({
    stage: { type, context: { account: 'k8s', namespace: 'ns1', ...fields } },
    services: { providers: memoryDirectory(provider) },
  });
}

/** Runs the stage's tasks in order, as the engine would, and returns the last result and the outputs. */
async function runStage(ctx: TaskContext, tasks: TaskImplementation[]) {
  let current = ctx;
  let last;
  for (const task of tasks) {
    const run = await runUntilComplete(task, { ...current, task: { ...current.task, name: task.name } });
    last = run.result;
    if (last.status !== 'SUCCEEDED') break;
    current = nextTask(run.ctx, last, 'next');
  }
  return { result: last, outputs: current.stage.outputs };
}

describe('server group target stages, task by task', () => {
  it.each([
    ['current', 'app-v002'],
    ['previous', 'app-v001'],
    ['ancestor_asg_dynamic', 'app-v001'],
    ['oldest', 'app-v000'],
    ['largest', 'app-v001'],
  ])('determineTargetServerGroup resolves %s to %s and records it', async (target, expected) => {
    const provider = cluster();
    const result = await determineTargetServerGroupTask.run(stage(provider, 'disableServerGroup', { cluster: 'app', target }));
    expect(result).toEqual({
      status: 'SUCCEEDED',
      outputs: { serverGroupName: expected, account: 'k8s', location: 'ns1', cluster: 'app' },
    });
  });

  it('says why no group matches the target', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-v000', { enabled: false });
    expect(await determineTargetServerGroupTask.run(stage(provider, 'enableServerGroup', { cluster: 'app', target: 'current' }))).toEqual({
      status: 'TERMINAL',
      error: 'no current server group in cluster app (account k8s, location ns1): no server group is enabled (taking traffic)',
    });
  });

  it('enables and disables the chosen group', async () => {
    const provider = cluster();
    const enabled = await runStage(stage(provider, 'enableServerGroup', { serverGroupName: 'app-v000' }), [
      determineTargetServerGroupTask,
      enableServerGroupTask,
    ]);
    expect(enabled.result).toEqual({ status: 'SUCCEEDED', outputs: { enabled: true } });
    const disabled = await runStage(stage(provider, 'disableServerGroup', { cluster: 'app', target: 'previous' }), [
      determineTargetServerGroupTask,
      disableServerGroupTask,
    ]);
    expect(disabled.outputs).toMatchObject({ serverGroupName: 'app-v001', enabled: false });
    expect(provider.log).toEqual(['enable app-v000', 'disable app-v001']);
  });

  it('destroys the chosen group once, even when re-run after the group is gone', async () => {
    const provider = cluster();
    const ctx = stage(provider, 'destroyServerGroup', { cluster: 'app', target: 'oldest' });
    const tasks = [determineTargetServerGroupTask, disableServerGroupTask, destroyServerGroupTask];
    const first = await runStage(ctx, tasks);
    expect(first.result).toEqual({ status: 'SUCCEEDED', outputs: { destroyed: true } });
    // A re-run of the last two steps (a crash before their results were committed) acts on the
    // recorded app-v000, never on whatever "oldest" means now (app-v001).
    const rerun = await runStage({ ...ctx, stage: { ...ctx.stage, outputs: first.outputs } }, [disableServerGroupTask, destroyServerGroupTask]);
    expect(rerun.result?.status).toBe('SUCCEEDED');
    expect(provider.log).toEqual(['disable app-v000', 'destroy app-v000']);
    expect([...provider.groups.keys()]).toEqual(['app-v001', 'app-v002']);
  });

  it('fails an enable of a group that does not exist with the provider message', async () => {
    const provider = cluster();
    const run = await runStage(stage(provider, 'enableServerGroup', { serverGroupName: 'app-v009' }), [
      determineTargetServerGroupTask,
      enableServerGroupTask,
    ]);
    expect(run.result).toEqual({
      status: 'TERMINAL',
      error: 'kubernetes/enable/app-v009: not found (account k8s, namespace ns1, deployment app-v009)',
    });
  });

  it('resizes and waits until exactly the desired instances are up', async () => {
    const provider = cluster();
    const ctx = stage(provider, 'resizeServerGroup', { cluster: 'app', target: 'current', capacity: { min: 1, max: 4, desired: 3 } });
    const chosen = await determineTargetServerGroupTask.run(ctx);
    const resizeCtx = nextTask(ctx, chosen, 'resizeServerGroup');
    // The first run decides the capacity from the group as it is and records it; the next sets it.
    const decided = await resizeServerGroupTask.run(resizeCtx);
    expect(decided).toMatchObject({ status: 'RUNNING', state: { capacity: { min: 1, max: 4, desired: 3 } } });
    expect(provider.log).toEqual([]);
    const resized = await resizeServerGroupTask.run(nextRun(resizeCtx, decided));
    expect(resized).toEqual({ status: 'SUCCEEDED', outputs: { capacity: { min: 1, max: 4, desired: 3 } } });
    const waitCtx = nextTask(nextRun(resizeCtx, decided), resized, 'waitForCapacityMatch');
    expect((await waitForCapacityMatchTask.run(waitCtx)).status).toBe('RUNNING');
    provider.setUp('app-v002', 3);
    expect(await waitForCapacityMatchTask.run(waitCtx)).toMatchObject({ status: 'SUCCEEDED', outputs: { health: { up: 3, desired: 3 } } });
    expect(provider.log).toEqual(['resize app-v002 3']);
  });

  it("scales by Spinnaker's relative actions from the group's capacity, once: a re-run does not scale again", async () => {
    const provider = cluster();
    const ctx = stage(provider, 'resizeServerGroup', { cluster: 'app', target: 'current', action: 'scale_up', resizeType: 'pct', scalePct: 50, capacity: {} });
    const chosenCtx = nextTask(ctx, await determineTargetServerGroupTask.run(ctx), 'resizeServerGroup');
    const decided = await resizeServerGroupTask.run(chosenCtx);
    const before = (decided.outputs as { previousCapacity: { desired: number } }).previousCapacity;
    expect(decided.state).toEqual({ capacity: { min: expect.any(Number), max: expect.any(Number), desired: before.desired + Math.ceil(before.desired / 2) } });
    const again = nextRun(chosenCtx, decided);
    expect(await resizeServerGroupTask.run(again)).toEqual(await resizeServerGroupTask.run(again));
    expect(provider.log).toEqual([`resize app-v002 ${before.desired + Math.ceil(before.desired / 2)}`, `resize app-v002 ${before.desired + Math.ceil(before.desired / 2)}`]);
  });

  it('times out a resize that does not settle', async () => {
    const provider = cluster();
    const ctx = stage(provider, 'resizeServerGroup', {
      serverGroupName: 'app-v002',
      capacity: { min: 0, max: 4, desired: 4 },
      waitForUpTimeoutSec: 1,
    });
    const chosen = { serverGroupName: 'app-v002', account: 'k8s', location: 'ns1', cluster: 'app' };
    const resizeCtx = { ...ctx, stage: { ...ctx.stage, outputs: chosen } };
    const decided = await resizeServerGroupTask.run(resizeCtx);
    await resizeServerGroupTask.run(nextRun(resizeCtx, decided));
    const outputs = { ...chosen, capacity: { min: 0, max: 4, desired: 4 } };
    const late = { ...ctx, stage: { ...ctx.stage, outputs }, task: { ...ctx.task, startTime: new Date(Date.now() - 1_500) } };
    expect(await waitForCapacityMatchTask.run(late)).toMatchObject({
      status: 'TERMINAL',
      error: 'server group app-v002 (account k8s, location ns1) did not reach 4 instances up within 1 s (waitForUpTimeoutSec): up 1/4, down 0, unknown 0',
    });
  });
});

describe('failure classification', () => {
  const providerError = (kind: 'NotFound' | 'Conflict' | 'Throttled' | 'Transient' | 'Fatal') =>
    new ProviderError({ kind, provider: 'kubernetes', operation: 'enable', account: 'k8s', location: 'ns1', reason: kind });

  it('retries throttled and transient provider errors; the rest are TERMINAL with the provider message', () => {
    expect(classifyFailure(providerError('Throttled'))).toEqual({ kind: 'retry', message: 'kubernetes/enable: Throttled (account k8s, namespace ns1)' });
    expect(classifyFailure(providerError('Transient')).kind).toBe('retry');
    for (const kind of ['NotFound', 'Conflict', 'Fatal'] as const) expect(classifyFailure(providerError(kind)).kind).toBe('terminal');
  });

  it('makes configuration mistakes TERMINAL and leaves bugs to the engine', () => {
    expect(classifyFailure(new TaskFailure('no'))).toEqual({ kind: 'terminal', message: 'no' });
    expect(classifyFailure(new UnknownAccountError('x', []))).toEqual({
      kind: 'terminal',
      message: 'unknown account x; known accounts: (none configured) (accounts are read from the file named by GANTRY_ACCOUNTS_FILE)',
    });
    expect(classifyFailure(new ValidationError('bad name', []))).toEqual({ kind: 'terminal', message: 'bad name' });
    expect(classifyFailure(new TypeError('oops'))).toEqual({ kind: 'unexpected' });
  });

  it('polls at 250 ms, doubling to 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(pollDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import type { TaskClock, TaskContext, TaskImplementation } from '../Task';
import { makeTaskContext, nextRun, nextTask } from '../testContext';
import {
  cleanupKayentaServerGroupsTask,
  createKayentaServerGroupsTask,
  deployedScopes,
  destroyKayentaServerGroupsTask,
  determineKayentaServerGroupsTask,
  waitForKayentaServerGroupsTask,
} from './canaryServerGroups';

const HOUR = 3_600_000;

function manualClock(start: number): TaskClock & { set(ms: number): void } {
  let now = start;
  return { now: () => now, delayFor: (ms) => ms, set: (ms) => (now = ms) };
}

const spec = (stack: string, more: Record<string, unknown> = {}) => ({ account: 'k8s', namespace: 'ns1', application: 'app', stack, capacity: { min: 2, max: 2, desired: 2 }, ...more });
const fields = {
  analysisType: 'realTimeAutomatic',
  canaryConfig: { canaryConfigId: 'cfg', metricsAccountName: 'prom', lifetimeDuration: 'PT1H', scopes: [{ scopeName: 'default' }] },
  deployments: {
    baseline: { application: 'app', account: 'k8s', cluster: 'app-prod' },
    // Two pairs, the second experiment in the first experiment's cluster: it takes the next sequence after it.
    serverGroupPairs: [
      { control: spec('control'), experiment: spec('experiment', { image: 'img:2' }) },
      { control: spec('control', { freeFormDetails: 'b' }), experiment: spec('experiment', { image: 'img:3' }) },
    ],
    delayBeforeCleanup: 'PT1H',
  },
};

function setup() {
  const provider = new MemoryProvider();
  provider.seed('app-prod-v004', { image: 'img:1' });
  provider.seed('app-experiment-v002', { image: 'img:0', enabled: false });
  const clock = manualClock(Date.parse('2026-12-06T00:00:00Z'));
  const ctx = makeTaskContext({ stage: { type: 'kayentaCanary', context: fields }, task: { name: 'determineKayentaServerGroups' }, services: { providers: memoryDirectory(provider), clock } });
  return { provider, clock, ctx };
}

async function step(task: TaskImplementation, ctx: TaskContext) {
  const current = { ...ctx, task: { ...ctx.task, name: task.name } };
  return { result: await task.run(current), ctx: current };
}

describe("realTimeAutomatic's server group tasks", () => {
  it('names every group (baseline image for controls) before creating any, creates them idempotently, waits for them up, enables them', async () => {
    const { provider, ctx } = setup();
    const named = await step(determineKayentaServerGroupsTask, ctx);
    expect(named.result).toMatchObject({
      status: 'SUCCEEDED',
      outputs: {
        baselineServerGroup: 'app-prod-v004',
        baselineImage: 'img:1',
        deployedServerGroups: [
          { controlScope: 'app-control-v000', controlLocation: 'ns1', experimentScope: 'app-experiment-v003', experimentLocation: 'ns1' },
          { controlScope: 'app-control-b-v000', experimentScope: 'app-experiment-v004' },
        ],
      },
    });
    expect(provider.log).toEqual([]);

    let current = nextTask(named.ctx, named.result, 'createKayentaServerGroups');
    // A worker that dies after creating and before committing runs the task again: the same groups, nothing doubled.
    for (let run = 0; run < 2; run++) expect((await step(createKayentaServerGroupsTask, current)).result).toEqual({ status: 'SUCCEEDED' });
    expect(provider.log).toEqual(['create app-control-v000', 'create app-experiment-v003', 'create app-control-b-v000', 'create app-experiment-v004']);
    expect(provider.groups.get('app-control-v000')).toMatchObject({ image: 'img:1', enabled: false, capacity: { desired: 2 } });
    expect(provider.groups.get('app-experiment-v004')).toMatchObject({ image: 'img:3' });

    current = nextTask(current, { status: 'SUCCEEDED' }, 'waitForKayentaServerGroups');
    expect((await step(waitForKayentaServerGroupsTask, current)).result).toMatchObject({ status: 'RUNNING' });
    for (const name of ['app-control-v000', 'app-experiment-v003', 'app-control-b-v000', 'app-experiment-v004']) provider.setUp(name, 2);
    expect((await step(waitForKayentaServerGroupsTask, current)).result).toEqual({ status: 'SUCCEEDED' });
    expect(['app-control-v000', 'app-experiment-v004'].map((name) => provider.groups.get(name)?.enabled)).toEqual([true, true]);
    expect(deployedScopes(current)).toEqual({ control: { scope: 'app-control-v000', location: 'ns1' }, experiment: { scope: 'app-experiment-v003', location: 'ns1' } });
  });

  it('cleans up after delayBeforeCleanup on the task clock, destroying only the recorded groups; a cancel destroys at once', async () => {
    const { provider, clock, ctx } = setup();
    const named = await step(determineKayentaServerGroupsTask, ctx);
    await step(createKayentaServerGroupsTask, nextTask(named.ctx, named.result, 'createKayentaServerGroups'));
    const base = nextTask(named.ctx, named.result, 'cleanupKayentaServerGroups');

    let cleanup = await step(cleanupKayentaServerGroupsTask, base);
    expect(cleanup.result).toMatchObject({ status: 'RUNNING', retryAfterMs: 60_000 });
    clock.set(clock.now() + HOUR);
    let current = nextRun(cleanup.ctx, cleanup.result);
    cleanup = await step(cleanupKayentaServerGroupsTask, current);
    expect(cleanup.result).toMatchObject({ status: 'RUNNING' });
    current = nextRun(cleanup.ctx, cleanup.result);
    expect((await step(cleanupKayentaServerGroupsTask, current)).result).toEqual({
      status: 'SUCCEEDED',
      outputs: { kayentaServerGroupsDestroyed: ['app-control-v000', 'app-experiment-v003', 'app-control-b-v000', 'app-experiment-v004'] },
    });
    // The baseline and the experiment cluster's older group were never the stage's.
    expect([...provider.groups.keys()].sort()).toEqual(['app-experiment-v002', 'app-prod-v004']);

    const { provider: other, ctx: otherCtx } = setup();
    const otherNamed = await step(determineKayentaServerGroupsTask, otherCtx);
    await step(createKayentaServerGroupsTask, nextTask(otherNamed.ctx, otherNamed.result, 'createKayentaServerGroups'));
    const canceled = await step(destroyKayentaServerGroupsTask, nextTask(otherNamed.ctx, otherNamed.result, 'destroyKayentaServerGroups'));
    expect(canceled.result).toMatchObject({ status: 'RUNNING' });
    expect(other.groups.has('app-control-v000')).toBe(false);
  });

  it('has nothing to clean up when the stage failed before naming its groups, and fails naming a baseline cluster with no group', async () => {
    const { provider, ctx } = setup();
    expect((await step(cleanupKayentaServerGroupsTask, ctx)).result).toEqual({ status: 'SUCCEEDED', outputs: { kayentaServerGroupsDestroyed: [] } });
    provider.groups.delete('app-prod-v004');
    const failed = await step(determineKayentaServerGroupsTask, ctx);
    expect(failed.result).toMatchObject({ status: 'TERMINAL', error: expect.stringMatching(/^no baseline image: cluster app-prod \(deployments\.baseline, account k8s, location ns1\) has no current server group/) });
    expect(provider.log).toEqual([]);
  });
});

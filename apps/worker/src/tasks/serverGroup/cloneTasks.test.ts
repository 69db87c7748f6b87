import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation, TaskResult } from '../Task';
import { makeTaskContext, nextTask, runUntilComplete } from '../testContext';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { destroyFailedCloneTask, determineCloneSourceTask } from './cloneServerGroup';
import { createServerGroupTask } from './createServerGroup';
import { determineServerGroupNameTask } from './determineServerGroupName';

const cloneContext = (provider: MemoryProvider, fields: Record<string, unknown>) =>
  makeTaskContext({
    stage: { type: 'cloneServerGroup', context: { application: 'app', stack: 'prod', account: 'k8s', namespace: 'ns1', ...fields } },
    task: { name: 'determineCloneSource' },
    services: { providers: memoryDirectory(provider) },
  });

async function step(task: TaskImplementation, ctx: TaskContext): Promise<{ result: TaskResult; ctx: TaskContext }> {
  const current = { ...ctx, task: { ...ctx.task, name: task.name } };
  const result = await task.run(current);
  return { result, ctx: nextTask(current, result, 'next') };
}

describe('cloneServerGroup, task by task (deploy tasks after its source is read)', () => {
  it("creates the cluster's next group with the source's image and capacity, and the stage's overrides", async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v003', { image: 'img:1', capacity: { min: 3, max: 5, desired: 4 } });
    let ctx = cloneContext(provider, { source: { asgName: 'app-prod-v003' }, instanceType: 'large' });

    const found = await step(determineCloneSourceTask, ctx);
    expect(found.result).toEqual({
      status: 'SUCCEEDED',
      outputs: { cloneSource: { serverGroupName: 'app-prod-v003', account: 'k8s', location: 'ns1', image: 'img:1', capacity: { min: 3, max: 5, desired: 4 } } },
    });
    const named = await step(determineServerGroupNameTask, found.ctx);
    expect(named.result).toMatchObject({ status: 'SUCCEEDED', outputs: { serverGroupName: 'app-prod-v004', previousServerGroup: 'app-prod-v003', image: 'img:1' } });
    ctx = (await step(createServerGroupTask, named.ctx)).ctx;
    expect(provider.groups.get('app-prod-v004')).toMatchObject({ image: 'img:1', capacity: { min: 3, max: 5, desired: 4 }, enabled: false });
    expect(provider.log).toEqual(['create app-prod-v004']);
    expect(ctx.stage.outputs).toMatchObject({ serverGroupName: 'app-prod-v004' });
  });

  it('finds the current group of targetCluster, and an image and capacity given on the stage win', async () => {
    const provider = new MemoryProvider();
    provider.seed('app-prod-v001', { image: 'img:1' });
    provider.seed('app-prod-v002', { image: 'img:2', capacity: { min: 2, max: 2, desired: 2 } });
    const ctx = cloneContext(provider, { targetCluster: 'app-prod', target: 'current_asg_dynamic', image: 'img:9', capacity: { min: 1, max: 1, desired: 1 } });
    const found = await step(determineCloneSourceTask, ctx);
    expect(found.result).toMatchObject({ outputs: { cloneSource: { serverGroupName: 'app-prod-v002' } } });
    const named = await step(determineServerGroupNameTask, found.ctx);
    await step(createServerGroupTask, named.ctx);
    expect(provider.groups.get('app-prod-v003')).toMatchObject({ image: 'img:9', capacity: { min: 1, max: 1, desired: 1 } });
  });

  it('fails TERMINAL naming a source that does not exist, creating nothing', async () => {
    const provider = new MemoryProvider();
    const { result } = await step(determineCloneSourceTask, cloneContext(provider, { source: { serverGroupName: 'app-prod-v007' } }));
    expect(result).toMatchObject({ status: 'TERMINAL' });
    expect(JSON.stringify(result)).toContain('source server group app-prod-v007 does not exist (account k8s, location ns1)');
    expect(provider.log).toEqual([]);
  });

  describe('destroyFailedClone (on failure and on cancel)', () => {
    const failedClone = (provider: MemoryProvider, outputs: Record<string, unknown>) => {
      const ctx = cloneContext(provider, { source: { asgName: 'app-prod-v003' } });
      return { ...ctx, stage: { ...ctx.stage, outputs: { serverGroupName: 'app-prod-v004', account: 'k8s', location: 'ns1', cluster: 'app-prod', ...outputs } }, task: { ...ctx.task, name: 'destroyFailedClone' } };
    };

    it('destroys a clone that never got into traffic and waits until it is gone', async () => {
      const provider = new MemoryProvider();
      provider.seed('app-prod-v003', { enabled: true });
      provider.seed('app-prod-v004', { enabled: false });
      const { outputs } = await runUntilComplete(destroyFailedCloneTask, failedClone(provider, {}));
      expect(outputs).toMatchObject({ cloneCleanup: 'destroyed app-prod-v004' });
      expect([...provider.groups.keys()]).toEqual(['app-prod-v003']);
    });

    it('destroys an enabled clone when another group of the cluster still serves', async () => {
      const provider = new MemoryProvider();
      provider.seed('app-prod-v003', { enabled: true });
      provider.seed('app-prod-v004', { enabled: true });
      await runUntilComplete(destroyFailedCloneTask, failedClone(provider, {}));
      expect(provider.log).toEqual(['destroy app-prod-v004']);
    });

    it('keeps a clone that alone serves the cluster (the strategy had taken the old groups out), saying why', async () => {
      const provider = new MemoryProvider();
      provider.seed('app-prod-v003', { enabled: false });
      provider.seed('app-prod-v004', { enabled: true });
      const { outputs } = await runUntilComplete(destroyFailedCloneTask, failedClone(provider, {}));
      expect(outputs).toMatchObject({ cloneCleanup: 'kept app-prod-v004: it is the only server group of app-prod in traffic' });
      expect(provider.log).toEqual([]);
    });

    it('has nothing to do when the clone failed before naming or creating its group', async () => {
      const provider = new MemoryProvider();
      const named = failedClone(provider, {});
      const unnamed = { ...named, stage: { ...named.stage, outputs: { cloneSource: {} } } };
      expect((await runUntilComplete(destroyFailedCloneTask, unnamed)).outputs).toMatchObject({ cloneCleanup: 'nothing was created' });
      expect((await runUntilComplete(destroyFailedCloneTask, failedClone(provider, {}))).outputs).toMatchObject({ cloneCleanup: 'nothing was created' });
      expect(provider.log).toEqual([]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskImplementation, TaskResult } from '../Task';
import { makeTaskContext, nextTask } from '../testContext';
import { MemoryProvider, memoryDirectory } from '../cloud/testProvider';
import { determineCloneSourceTask } from './cloneServerGroup';
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
});

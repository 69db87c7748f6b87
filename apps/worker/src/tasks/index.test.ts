import { describe, expect, it } from 'vitest';
import { getStageType } from '@gantry/core';
import { TaskRegistry, UnknownTaskError, builtInTasks, createTaskRegistry } from './index';

function plan(type: string, fields: Record<string, unknown>): string[] {
  const stageType = getStageType(type);
  if (stageType === undefined) throw new Error(`no stage type ${type}`);
  return stageType.tasks(stageType.fields.parse(fields));
}

describe('task registry', () => {
  it('holds every built-in task once, under its own name', () => {
    const names = createTaskRegistry().names();
    expect(names).toEqual(builtInTasks.map((t) => t.name).sort());
    expect(new Set(names).size).toBe(builtInTasks.length);
  });

  it('implements every task the bake and server group stage types plan', () => {
    const registry = createTaskRegistry();
    const cluster = { account: 'k', application: 'a', strategy: 'highlander', image: 'i', capacity: { min: 1, max: 1, desired: 1 } };
    const target = { account: 'k', cluster: 'a', target: 'current', capacity: { min: 1, max: 1, desired: 1 } };
    const plans = [
      plan('bake', { account: 'k', package: 'app', version: '1' }),
      plan('deploy', { cluster }),
      ...['redblack', 'rollingredblack'].map((strategy) =>
        plan('deploy', { cluster: { ...cluster, strategy, judgment: {}, delayBeforeDisableSec: 1, delayBeforeScaleDownSec: 1 } }),
      ),
      getStageType('deploy')?.onFailureTasks?.({ cluster, rollback: { onFailure: true } }) ?? [],
      plan('rollbackCluster', { account: 'k', cluster: 'a' }),
      ...['resizeServerGroup', 'enableServerGroup', 'disableServerGroup', 'destroyServerGroup'].map((type) => plan(type, target)),
      plan('chaos', { ...target, count: 1 }),
    ];
    expect(plans.flat().filter((name) => !registry.has(name))).toEqual([]);
  });

  it('finds a task by name and fails clearly on an unknown one', () => {
    const registry = createTaskRegistry();
    expect(registry.get('wait').name).toBe('wait');
    expect(registry.find('nope')).toBeUndefined();
    expect(() => registry.get('launchRocket')).toThrow(UnknownTaskError);
    expect(() => registry.get('launchRocket')).toThrow(/unknown task "launchRocket" \(registered: abortAbTest, abortCanary, bakeImage, bakeManifest, checkDeployPermissions, checkFreezeWindows, checkPreconditions, /);
  });

  it('refuses two tasks with the same name', () => {
    const registry = new TaskRegistry();
    registry.register({ name: 'x', run: async () => ({ status: 'SUCCEEDED' }) });
    expect(() => registry.register({ name: 'x', run: async () => ({ status: 'SUCCEEDED' }) })).toThrow('task "x" is already registered');
    expect(() => createTaskRegistry([{ name: 'wait', run: async () => ({ status: 'SUCCEEDED' }) }])).toThrow(/already registered/);
  });
});

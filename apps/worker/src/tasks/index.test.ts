import { describe, expect, it } from 'vitest';
import { TaskRegistry, UnknownTaskError, builtInTasks, createTaskRegistry } from './index';

describe('task registry', () => {
  it('holds every built-in task under the name stage types plan with', () => {
    expect(createTaskRegistry().names()).toEqual([
      'checkPreconditions',
      'createWebhook',
      'evaluateVariables',
      'monitorPipeline',
      'monitorWebhook',
      'startPipeline',
      'wait',
      'waitForJudgment',
    ]);
    expect(new Set(builtInTasks.map((t) => t.name)).size).toBe(builtInTasks.length);
  });

  it('finds a task by name and fails clearly on an unknown one', () => {
    const registry = createTaskRegistry();
    expect(registry.get('wait').name).toBe('wait');
    expect(registry.find('nope')).toBeUndefined();
    expect(() => registry.get('bakeImage')).toThrow(UnknownTaskError);
    expect(() => registry.get('bakeImage')).toThrow(/unknown task "bakeImage" \(registered: checkPreconditions, createWebhook/);
  });

  it('refuses two tasks with the same name', () => {
    const registry = new TaskRegistry();
    registry.register({ name: 'x', run: async () => ({ status: 'SUCCEEDED' }) });
    expect(() => registry.register({ name: 'x', run: async () => ({ status: 'SUCCEEDED' }) })).toThrow('task "x" is already registered');
    expect(() => createTaskRegistry([{ name: 'wait', run: async () => ({ status: 'SUCCEEDED' }) }])).toThrow(/already registered/);
  });
});

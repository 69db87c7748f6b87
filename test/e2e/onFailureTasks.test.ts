import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStageType } from '../../packages/core/src';
import type { TaskImplementation } from '../../apps/worker/src';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/**
 * The engine's side of a deploy's rollback.onFailure, with a test stage type: when a task fails
 * TERMINAL the type's on-failure tasks run in order, and the stage still ends with the failure.
 */
const cleanupStage = {
  type: 'failThenCleanUp',
  fields: z.looseObject({ failure: z.enum(['none', 'fail', 'pollForever']), cleanupFails: z.boolean().default(false) }),
  tasks: (fields: { failure: string }) => [fields.failure === 'pollForever' ? 'testPollForever' : 'testMaybeFail'],
  onFailureTasks: () => ['testCleanUp', 'testCleanUpAgain'],
};

const tasks: TaskImplementation[] = [
  {
    name: 'testMaybeFail',
    run: async (ctx) => (ctx.stage.context.failure === 'fail' ? { status: 'TERMINAL', error: 'the main task failed' } : { status: 'SUCCEEDED' }),
  },
  { name: 'testPollForever', run: async () => ({ status: 'RUNNING', retryAfterMs: 50 }) },
  {
    name: 'testCleanUp',
    run: async (ctx) =>
      ctx.stage.context.cleanupFails === true ? { status: 'TERMINAL', error: 'the clean-up failed' } : { status: 'SUCCEEDED', outputs: { cleaned: 1 } },
  },
  { name: 'testCleanUpAgain', run: async () => ({ status: 'SUCCEEDED', outputs: { cleanedAgain: true } }) },
];

describe(`on-failure tasks (${backend} queue)`, () => {
  let gantry: TestGantry;
  let unregister: () => void;

  beforeAll(async () => {
    unregister = registerStageType(cleanupStage);
    gantry = await startTestGantry({ backend, extraTasks: tasks });
  });
  afterAll(async () => {
    await gantry?.stop();
    unregister?.();
  });

  async function run(stage: Record<string, unknown>) {
    const id = await gantry.savePipeline({
      application: 'engine',
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      stages: [{ refId: 's', type: 'failThenCleanUp', ...stage }],
    });
    return gantry.waitFor(await gantry.trigger(id));
  }

  const taskSummary = (execution: Awaited<ReturnType<typeof run>>) =>
    stageOf(execution, 's').tasks.map((task) => [task.name, task.status, task.onFailure]);

  it('runs them after a TERMINAL task; the stage keeps the failure and gets their outputs', async () => {
    const execution = await run({ failure: 'fail' });
    expect(execution.status).toBe('TERMINAL');
    const stage = stageOf(execution, 's');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toEqual({ message: 'the main task failed', task: 'testMaybeFail' });
    expect(stage.outputs).toEqual({ cleaned: 1, cleanedAgain: true });
    expect(taskSummary(execution)).toEqual([
      ['testMaybeFail', 'TERMINAL', false],
      ['testCleanUp', 'SUCCEEDED', true],
      ['testCleanUpAgain', 'SUCCEEDED', true],
    ]);
    const events = await gantry.request<{ events: { type: string }[] }>('GET', `/api/v1/executions/${execution.id}/events`);
    expect(events.body.events.filter((event) => event.type === 'ON_FAILURE_TASKS_STARTED')).toHaveLength(1);
  });

  it('stops at an on-failure task that fails, adding its failure to the stage error', async () => {
    const execution = await run({ failure: 'fail', cleanupFails: true });
    expect(stageOf(execution, 's').error).toEqual({
      message: 'the main task failed',
      task: 'testMaybeFail',
      onFailure: { task: 'testCleanUp', message: 'the clean-up failed' },
    });
    expect(taskSummary(execution)).toEqual([
      ['testMaybeFail', 'TERMINAL', false],
      ['testCleanUp', 'TERMINAL', true],
      // The halted execution cancels what never started.
      ['testCleanUpAgain', 'CANCELED', true],
    ]);
  });

  it('runs them to the end after the stage timed out', async () => {
    const execution = await run({ failure: 'pollForever', stageTimeoutMs: 300 });
    expect(stageOf(execution, 's').error).toMatchObject({ message: expect.stringContaining('stage timed out'), task: 'testPollForever' });
    expect(taskSummary(execution)).toEqual([
      ['testPollForever', 'TERMINAL', false],
      ['testCleanUp', 'SUCCEEDED', true],
      ['testCleanUpAgain', 'SUCCEEDED', true],
    ]);
  });

  it('never runs them for a stage that succeeds', async () => {
    const execution = await run({ failure: 'none' });
    expect(execution.status).toBe('SUCCEEDED');
    expect(taskSummary(execution)).toEqual([['testMaybeFail', 'SUCCEEDED', false]]);
  });
});

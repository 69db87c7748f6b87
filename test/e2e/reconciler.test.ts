import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../packages/queue/src';
import { PostgresExecutionCommands, PostgresExecutionRepository } from '../../packages/store/src';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/** Commands whose message never reached the queue (the API died right after committing). */
describe('reconciliation of lost messages', () => {
  let gantry: TestGantry;
  beforeAll(async () => {
    gantry = await startTestGantry({ reconcileIntervalMs: 300 });
  });
  afterAll(async () => {
    await gantry?.stop();
  });

  it('starts an execution whose StartExecution was lost', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lost',
      name: 'start',
      stages: [{ refId: 'v', type: 'evaluateVariables', variables: [{ key: 'k', value: 1 }] }],
    });
    const launched = await new PostgresExecutionRepository(gantry.database.db.pool).launch({ pipelineId, trigger: {}, parameters: {} });
    expect(launched.messages).toHaveLength(1);
    const execution = await gantry.waitFor(launched.value.id, undefined, 10_000);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('resumes a stage whose ResumeStage was lost, and finishes a restart whose RestartStage was lost', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lost',
      name: 'resume',
      stages: [{ refId: 'w', type: 'wait', waitTime: 0.5 }],
    });
    const executionId = await gantry.trigger(pipelineId);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'RUNNING');
    const commands = new PostgresExecutionCommands(gantry.database.db.pool);
    await commands.pause(executionId, { user: 'ana' });
    const resumed = await commands.resume(executionId, { user: 'ana' });
    expect(resumed.messages.map((m) => m.type)).toEqual(['ResumeStage']);
    expect((await gantry.waitFor(executionId, undefined, 10_000)).status).toBe('SUCCEEDED');

    const restart = await commands.restartStage(executionId, 'w', { user: 'ana' });
    expect(restart.messages.map((m) => m.type)).toEqual(['RestartStage']);
    const restarted = await gantry.waitFor(executionId, (e) => e.status === 'SUCCEEDED' && stageOf(e, 'w').attempt === 1, 10_000);
    expect(stageOf(restarted, 'w').status).toBe('SUCCEEDED');
  });

  it("re-sends a polling task's next step and a parallel branch's steps when the queue lost every message it held", async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lost',
      name: 'poll',
      limitConcurrent: false,
      stages: [
        { refId: 'w', type: 'wait', waitTime: 1 },
        { refId: 'x', type: 'wait', waitTime: 1 },
        { refId: 'j', type: 'evaluateVariables', variables: [{ key: 'k', value: 1 }], requisiteStageRefIds: ['w', 'x'] },
      ],
    });
    const executionId = await gantry.trigger(pipelineId);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').tasks[0]?.status === 'RUNNING' && stageOf(e, 'x').tasks[0]?.status === 'RUNNING');
    // As a Redis restarted without persistence: the delayed polls are gone.
    const { queue, close } = openQueue(gantry.queue);
    try {
      await queue.drain(true);
    } finally {
      await close();
    }
    const execution = await gantry.waitFor(executionId, undefined, 15_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(['w', 'x', 'j'].map((refId) => stageOf(execution, refId).status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });
});

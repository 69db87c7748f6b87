import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@gantry/store';
import { TransientTaskError, type TaskServices } from '../Task';
import { makeTaskContext, nextTask, runUntilComplete } from '../testContext';
import { monitorPipelineTask } from './monitorPipeline';
import { startPipelineTask } from './startPipeline';

type StartInput = Parameters<TaskServices['startPipeline']>[0];

/** An in-memory stand-in for the execution service with its exactly-once-per-key contract. */
function fakeExecutions() {
  const byKey = new Map<string, string>();
  const calls: StartInput[] = [];
  const outcomes = new Map<string, Array<{ status: string; outputs: JsonObject }>>();
  return {
    calls,
    outcomes,
    services: {
      async startPipeline(input: StartInput) {
        calls.push(input);
        const existing = byKey.get(input.idempotencyKey);
        if (existing !== undefined) return { executionId: existing };
        const executionId = `child-${byKey.size + 1}`;
        byKey.set(input.idempotencyKey, executionId);
        return { executionId };
      },
      async getExecutionOutcome(executionId: string) {
        const queue = outcomes.get(executionId);
        if (queue === undefined) return null;
        // Each read moves the child one step along its scripted life; the last status sticks.
        return queue.length > 1 ? (queue.shift() ?? null) : (queue[0] ?? null);
      },
    },
  };
}

describe('startPipeline', () => {
  it('starts the child with parameters, a pipeline trigger and the attempt-scoped idempotency key', async () => {
    const fake = fakeExecutions();
    const ctx = makeTaskContext({
      execution: { id: 'parent-1', application: 'checkout', pipelineId: 'p-9', pipelineName: 'release', trigger: { type: 'manual', user: 'dana' } },
      stage: { id: 'stage-3', attempt: 1, context: { application: 'payments', pipeline: 'deploy-payments', pipelineParameters: { version: '2.0.0' } } },
      services: fake.services,
    });
    const result = await startPipelineTask.run(ctx);
    expect(result).toEqual({ status: 'SUCCEEDED', outputs: { executionId: 'child-1' }, state: { executionId: 'child-1' } });
    expect(fake.calls).toEqual([
      {
        application: 'payments',
        pipeline: 'deploy-payments',
        parameters: { version: '2.0.0' },
        trigger: {
          type: 'pipeline',
          parentExecutionId: 'parent-1',
          parentPipelineStageId: 'stage-3',
          parentPipelineApplication: 'checkout',
          parentPipelineId: 'p-9',
          parentPipelineName: 'release',
          user: 'dana',
        },
        idempotencyKey: 'parent-1:stage-3:1',
        parentExecutionId: 'parent-1',
      },
    ]);
  });

  it('returns the same child when re-run after a crash, and a new one for a restarted stage', async () => {
    const fake = fakeExecutions();
    const ctx = makeTaskContext({ stage: { context: { application: 'checkout', pipeline: 'p' } }, services: fake.services });
    const first = await startPipelineTask.run(ctx);
    const again = await startPipelineTask.run(ctx);
    const restarted = await startPipelineTask.run({ ...ctx, stage: { ...ctx.stage, attempt: 2 } });
    expect(first.outputs).toEqual({ executionId: 'child-1' });
    expect(again.outputs).toEqual({ executionId: 'child-1' });
    expect(restarted.outputs).toEqual({ executionId: 'child-2' });
    // Parameters default to {}.
    expect(fake.calls[0]).toMatchObject({ application: 'checkout', parameters: {} });
  });

  it('fails TERMINAL naming the pipeline when the service refuses, but lets transient errors through', async () => {
    const refusing = makeTaskContext({
      stage: { context: { application: 'payments', pipeline: 'nope' } },
      services: { startPipeline: () => Promise.reject(new Error('pipeline not found')) },
    });
    expect(await startPipelineTask.run(refusing)).toEqual({
      status: 'TERMINAL',
      error: 'could not start pipeline "nope" of application payments: pipeline not found',
    });
    const flaky = makeTaskContext({
      stage: { context: { application: 'payments', pipeline: 'p' } },
      services: { startPipeline: () => Promise.reject(new TransientTaskError('database busy')) },
    });
    await expect(startPipelineTask.run(flaky)).rejects.toBeInstanceOf(TransientTaskError);
  });

  it('fails TERMINAL without a pipeline', async () => {
    const result = await startPipelineTask.run(makeTaskContext({ stage: { context: {} } }));
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toContain('pipeline');
  });
});

describe('monitorPipeline', () => {
  async function started(fake: ReturnType<typeof fakeExecutions>) {
    const ctx = makeTaskContext({ stage: { context: { application: 'checkout', pipeline: 'child' } }, services: fake.services });
    const result = await startPipelineTask.run(ctx);
    return nextTask(ctx, result, 'monitorPipeline');
  }

  it('waits while the child runs, then succeeds with its outputs', async () => {
    const fake = fakeExecutions();
    const ctx = await started(fake);
    fake.outcomes.set('child-1', [
      { status: 'NOT_STARTED', outputs: {} },
      { status: 'RUNNING', outputs: {} },
      { status: 'SUCCEEDED', outputs: { imageId: 'ami-123' } },
    ]);
    expect(await monitorPipelineTask.run(ctx)).toEqual({ status: 'RUNNING', retryAfterMs: 2000 });
    const { result, runs } = await runUntilComplete(monitorPipelineTask, ctx);
    expect(runs).toBe(2);
    expect(result).toEqual({ status: 'SUCCEEDED', outputs: { status: 'SUCCEEDED', outputs: { imageId: 'ami-123' } } });
  });

  it.each(['TERMINAL', 'CANCELED', 'STOPPED'])('fails TERMINAL when the child ends %s', async (status) => {
    const fake = fakeExecutions();
    const ctx = await started(fake);
    fake.outcomes.set('child-1', [{ status, outputs: {} }]);
    const result = await monitorPipelineTask.run(ctx);
    expect(result).toMatchObject({ status: 'TERMINAL', error: `child execution child-1 ended ${status}` });
  });

  it('fails TERMINAL when the child does not exist', async () => {
    const fake = fakeExecutions();
    const ctx = await started(fake);
    expect(await monitorPipelineTask.run(ctx)).toEqual({ status: 'TERMINAL', error: 'child execution child-1 not found' });
  });

  it('fails TERMINAL when startPipeline recorded no child', async () => {
    const result = await monitorPipelineTask.run(makeTaskContext());
    expect(result.status).toBe('TERMINAL');
  });

  it('turns a failing read into a transient error', async () => {
    const ctx = makeTaskContext({
      stage: { outputs: { executionId: 'child-1' } },
      services: { getExecutionOutcome: () => Promise.reject(new Error('connection reset')) },
    });
    await expect(monitorPipelineTask.run(ctx)).rejects.toThrow(new TransientTaskError('could not read child execution child-1: connection reset'));
  });
});

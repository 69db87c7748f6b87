import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { asUser } from '../../apps/api/src/testSupport';

describe('operator controls through the API', () => {
  let gantry: TestGantry;
  const name = () => `ctl-${Math.random().toString(36).slice(2, 10)}`;
  beforeAll(async () => {
    gantry = await startTestGantry();
  });
  afterAll(async () => {
    await gantry?.stop();
  });

  it('cancels a running execution, and refuses to cancel it twice', async () => {
    const id = await gantry.savePipeline({ application: 'ops', name: name(), stages: [{ refId: 'w', type: 'wait', waitTime: 60 }] });
    const executionId = await gantry.trigger(id);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'RUNNING');
    const cancel = await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, { reason: 'wrong build' }, asUser('ana'));
    expect(cancel.status).toBe(202);
    const execution = await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'CANCELED');
    expect(execution).toMatchObject({ status: 'CANCELED', canceledBy: 'ana', cancellationReason: 'wrong build' });
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, {})).status).toBe(409);
  });

  it('pauses and resumes, with 409 when the state does not allow it', async () => {
    const id = await gantry.savePipeline({
      application: 'ops',
      name: name(),
      stages: [
        { refId: 'w', type: 'wait', waitTime: 1 },
        { refId: 'after', type: 'evaluateVariables', requisiteStageRefIds: ['w'], variables: [{ key: 'k', value: 1 }] },
      ],
    });
    const executionId = await gantry.trigger(id);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'RUNNING');
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/resume`, {})).status).toBe(409);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/pause`, {})).status).toBe(202);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/pause`, {})).status).toBe(409);
    // Longer than the wait: a paused execution must not move on.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const paused = await gantry.waitFor(executionId, () => true);
    expect(paused.status).toBe('PAUSED');
    expect(stageOf(paused, 'w').status).toBe('PAUSED');
    expect(stageOf(paused, 'after').status).toBe('NOT_STARTED');
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/resume`, {})).status).toBe(202);
    const done = await gantry.waitFor(executionId);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'after').status).toBe('SUCCEEDED');
  });

  it('skips a wait, and refuses to skip a stage that is not a running wait', async () => {
    const id = await gantry.savePipeline({
      application: 'ops',
      name: name(),
      stages: [
        { refId: 'w', type: 'wait', waitTime: 3600 },
        { refId: 'v', type: 'evaluateVariables', requisiteStageRefIds: ['w'], variables: [] },
      ],
    });
    const executionId = await gantry.trigger(id);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'RUNNING');
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/v/skip`, {})).status).toBe(409);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/w/skip`, {})).status).toBe(202);
    expect((await gantry.waitFor(executionId)).status).toBe('SUCCEEDED');
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/w/skip`, {})).status).toBe(409);
  });

  it("waits for a stage's execution window (Spinnaker's restrictedExecutionWindow) and lets the skip end the wait", async () => {
    const now = new Date();
    const later = (now.getUTCHours() + 2) % 24;
    const closed = { timezone: 'UTC', whitelist: [{ startHour: later, startMin: 0, endHour: later, endMin: 30 }] };
    const open = { timezone: 'UTC', days: [now.getUTCDay() + 1, ((now.getUTCDay() + 1) % 7) + 1] };
    const restricted = (refId: string, window: unknown, requisiteStageRefIds: string[] = []) => ({
      refId,
      type: 'evaluateVariables',
      requisiteStageRefIds,
      variables: [{ key: refId, value: 1 }],
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: window,
    });
    const id = await gantry.savePipeline({ application: 'ops', name: name(), stages: [restricted('open', open), restricted('closed', closed, ['open'])] });
    const executionId = await gantry.trigger(id);
    const waiting = await gantry.waitFor(executionId, (e) => (stageOf(e, 'closed').outputs as { executionWindow?: { status: string } }).executionWindow?.status === 'waiting');
    // The open window let its stage through at once; the closed one waits for its next start.
    expect(stageOf(waiting, 'open')).toMatchObject({ status: 'SUCCEEDED', outputs: { open: 1, executionWindow: { status: 'open' } } });
    const until = new Date((stageOf(waiting, 'closed').outputs as { executionWindow: { until: string } }).executionWindow.until);
    expect(until.getUTCHours()).toBe(later);
    expect(until.getUTCMinutes()).toBe(0);
    expect(stageOf(waiting, 'closed').outputs).not.toHaveProperty('closed');
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/closed/skip`, {})).status).toBe(202);
    const done = await gantry.waitFor(executionId);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'closed').outputs).toMatchObject({ closed: 1, executionWindow: { status: 'skipped' } });
  });

  it('records a manual judgment (who, when, input) and continues; stop fails the stage', async () => {
    const id = await gantry.savePipeline({
      application: 'ops',
      name: name(),
      stages: [
        { refId: 'judge', type: 'manualJudgment', instructions: 'Ship it?', judgmentInputs: [{ value: 'ship' }, { value: 'hold' }] },
        { refId: 'after', type: 'evaluateVariables', requisiteStageRefIds: ['judge'], variables: [{ key: 'choice', value: '${stages.judge.outputs.judgmentInput}' }] },
      ],
    });
    const first = await gantry.trigger(id);
    await gantry.waitFor(first, (e) => stageOf(e, 'judge').status === 'RUNNING');
    const stageId = stageOf(await gantry.waitFor(first, () => true), 'judge').id;
    expect(
      (await gantry.request('POST', `/api/v1/executions/${first}/stages/${stageId}/judgment`, { judgmentStatus: 'continue', judgmentInput: 'maybe' })).status,
    ).toBe(409);
    const judged = await gantry.request('POST', `/api/v1/executions/${first}/stages/${stageId}/judgment`, { judgmentStatus: 'continue', judgmentInput: 'ship' }, asUser('lee'));
    expect(judged.status).toBe(202);
    const done = await gantry.waitFor(first);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'judge').outputs).toMatchObject({ judgmentStatus: 'continue', judgmentInput: 'ship', lastModifiedBy: 'lee' });
    expect(stageOf(done, 'judge').outputs.judgedAt).toBeTruthy();
    expect(stageOf(done, 'after').outputs).toMatchObject({ choice: 'ship' });
    expect((await gantry.request('POST', `/api/v1/executions/${first}/stages/judge/judgment`, { judgmentStatus: 'stop' })).status).toBe(409);

    const second = await gantry.trigger(id);
    await gantry.waitFor(second, (e) => stageOf(e, 'judge').status === 'RUNNING');
    const stopped = await gantry.request('PATCH', `/api/v1/executions/${second}/stages/judge`, { judgmentStatus: 'stop' });
    expect(stopped.status).toBe(202);
    const failed = await gantry.waitFor(second);
    expect(failed.status).toBe('TERMINAL');
    expect(stageOf(failed, 'after').status).toBe('NOT_STARTED');
  });

  it('acts on a judgment given the moment the stage starts, while its first poll is still running', async () => {
    // The judgment's nudge can lose the race to the first poll's write; the engine must not then
    // wait out the five-minute poll. Many executions at once make the race likely.
    const id = await gantry.savePipeline({ application: 'ops', name: name(), limitConcurrent: false, stages: [{ refId: 'judge', type: 'manualJudgment' }] });
    const executions = await Promise.all(Array.from({ length: 24 }, () => gantry.trigger(id)));
    const finished = await Promise.all(
      executions.map(async (executionId) => {
        await gantry.waitFor(executionId, (e) => stageOf(e, 'judge').status === 'RUNNING');
        expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/judge/judgment`, { judgmentStatus: 'continue' })).status).toBe(202);
        return (await gantry.waitFor(executionId, undefined, 20_000)).status;
      }),
    );
    expect(finished).toEqual(executions.map(() => 'SUCCEEDED'));
  });

  it('restarts a failed stage and continues downstream; refuses to restart a running stage', async () => {
    // The deploy endpoint refuses the first call and accepts the next: a restart must succeed.
    let calls = 0;
    const server = createServer((_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 400 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ call: calls }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const id = await gantry.savePipeline({
        application: 'ops',
        name: name(),
        stages: [
          { refId: 'deploy', type: 'webhook', url: `http://127.0.0.1:${port}/deploy`, method: 'POST', payload: { v: 1 } },
          { refId: 'after', type: 'evaluateVariables', requisiteStageRefIds: ['deploy'], variables: [{ key: 'call', value: '${stages.deploy.outputs.webhook.body.call}' }] },
          { refId: 'hold', type: 'wait', waitTime: 3600 },
        ],
      });
      const executionId = await gantry.trigger(id);
      const failed = await gantry.waitFor(executionId);
      expect(failed.status).toBe('TERMINAL');
      expect(stageOf(failed, 'deploy').status).toBe('TERMINAL');
      expect(stageOf(failed, 'hold').status).toBe('CANCELED');
      expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/deploy/restart`, {})).status).toBe(202);
      const running = await gantry.waitFor(executionId, (e) => stageOf(e, 'hold').status === 'RUNNING' && stageOf(e, 'after').status === 'SUCCEEDED');
      expect(running.status).toBe('RUNNING');
      expect(stageOf(running, 'deploy')).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      expect(stageOf(running, 'after').outputs).toMatchObject({ call: 2 });
      expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/hold/restart`, {})).status).toBe(409);
      await gantry.request('POST', `/api/v1/executions/${executionId}/stages/hold/skip`, {});
      expect((await gantry.waitFor(executionId)).status).toBe('SUCCEEDED');
    } finally {
      server.close();
    }
  });

  it('gives 404 for unknown executions and stages', async () => {
    expect((await gantry.request('POST', '/api/v1/executions/00000000-0000-4000-8000-000000000000/cancel', {})).status).toBe(404);
    expect((await gantry.request('GET', '/api/v1/executions/not-a-uuid')).status).toBe(400);
    const id = await gantry.savePipeline({ application: 'ops', name: name(), stages: [{ refId: 'w', type: 'wait', waitTime: 0 }] });
    const executionId = await gantry.trigger(id);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/stages/nope/skip`, {})).status).toBe(404);
  });
});

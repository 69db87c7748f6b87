import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { parseMetrics } from '../support/metricsText';
import type { ExecutionDetail } from '../../packages/store/src';

const pipeline = (stages: unknown[], extra: Record<string, unknown> = {}) => ({
  application: 'checkout',
  name: `p-${Math.random().toString(36).slice(2, 10)}`,
  limitConcurrent: false,
  stages,
  ...extra,
});

describe.each(QUEUE_BACKENDS)('engine on the %s queue backend', (backend) => {
  let gantry: TestGantry;
  beforeAll(async () => {
    gantry = await startTestGantry({ backend });
  });
  afterAll(async () => {
    await gantry?.stop();
  });

  it('runs two parallel branches that join, in DAG order, feeding outputs into expressions', async () => {
    const id = await gantry.savePipeline(
      pipeline([
        { refId: 'left', type: 'evaluateVariables', variables: [{ key: 'replicas', value: 3 }] },
        { refId: 'right', type: 'evaluateVariables', variables: [{ key: 'region', value: 'eu-west-1' }] },
        {
          refId: 'join',
          type: 'evaluateVariables',
          requisiteStageRefIds: ['left', 'right'],
          variables: [
            { key: 'total', value: '${stages.left.outputs.replicas * 2}' },
            { key: 'where', value: 'deploying to ${stages.right.outputs.region}' },
          ],
        },
      ]),
    );
    const execution = await gantry.waitFor(await gantry.trigger(id));
    expect(execution.status).toBe('SUCCEEDED');
    const [left, right, join] = ['left', 'right', 'join'].map((ref) => stageOf(execution, ref));
    expect(join!.outputs).toMatchObject({ total: 6, where: 'deploying to eu-west-1' });
    expect(join!.startTime!.getTime()).toBeGreaterThanOrEqual(left!.endTime!.getTime());
    expect(join!.startTime!.getTime()).toBeGreaterThanOrEqual(right!.endTime!.getTime());
    const events = await gantry.request<{ events: { type: string; data: { refId?: string } }[] }>(
      'GET',
      `/api/v1/executions/${execution.id}/events`,
    );
    const starts = events.body.events.filter((e) => e.type === 'STAGE_STARTED').map((e) => e.data.refId);
    expect(starts.indexOf('join')).toBe(2);
  });

  it('exports engine metrics for Prometheus at /metrics', async () => {
    const id = await gantry.savePipeline(pipeline([{ refId: 'v', type: 'evaluateVariables', variables: [] }]));
    await gantry.waitFor(await gantry.trigger(id));
    const response = await gantry.api.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/gantry_engine_messages_total\{type="RunTask",outcome="ok"\} [1-9]/);
  });

  it('runs an execution of three local stages in four messages: its start starts the first stage, the last stage ends it, and no downstream lookup goes out while no pipeline listens', async () => {
    const handled = async () => {
      const response = await gantry.api.inject({ method: 'GET', url: '/metrics' });
      const handledOk = parseMetrics(response.body).filter((sample) => sample.name === 'gantry_engine_messages_total' && sample.labels.outcome === 'ok');
      return new Map(handledOk.map((sample) => [sample.labels.type!, sample.value]));
    };
    const stages = ['a', 'b', 'c'].map((refId, i) => ({ refId, type: 'evaluateVariables', variables: [], requisiteStageRefIds: i === 0 ? [] : [['a', 'b'][i - 1]] }));
    // Each run's messages, counted once their handlers returned: that can be after the execution's
    // end is visible (the last RunTask commits it, then returns), and a message the end sent (the
    // downstream lookup) is handled later still. A message the first run sent late would show in the
    // second run's count, which is exact too.
    const run = async (application: string, expected: Record<string, number>) => {
      const id = await gantry.savePipeline(pipeline(stages, { application }));
      const before = await handled();
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(execution.status).toBe('SUCCEEDED');
      const counted = async () =>
        Object.fromEntries([...(await handled())].map(([type, count]) => [type, count - (before.get(type) ?? 0)]).filter(([, delta]) => delta !== 0));
      await vi.waitFor(async () => expect(await counted()).toEqual(expected), { timeout: 10_000, interval: 50 });
    };
    await run('quiet', { StartExecution: 1, RunTask: 3 });

    // Once a pipeline has a pipeline trigger on the application, its executions' ends are looked up.
    await gantry.savePipeline(pipeline([{ refId: 'x', type: 'wait', waitTime: 0 }], { application: 'listener', triggers: [{ type: 'pipeline', application: 'watched', pipeline: 'nothing-by-this-name', enabled: true }] }));
    await run('watched', { StartExecution: 1, RunTask: 3, StartDownstreamPipelines: 1 });
  });

  it('uses parameters and trigger in expressions and keeps whole-expression types', async () => {
    const id = await gantry.savePipeline(
      pipeline(
        [
          {
            refId: 'vars',
            type: 'evaluateVariables',
            variables: [
              { key: 'count', value: '${parameters.count}' },
              { key: 'label', value: 'v${parameters.version}' },
            ],
          },
        ],
        { parameters: [{ name: 'version', required: true }, { name: 'count', default: '2' }] },
      ),
    );
    const execution = await gantry.waitFor(await gantry.trigger(id, { version: '1.2.3' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'vars').outputs).toMatchObject({ count: '2', label: 'v1.2.3' });
  });

  it('fails a stage whose expression cannot be evaluated, naming the expression', async () => {
    const id = await gantry.savePipeline(
      pipeline([{ refId: 'bad', type: 'evaluateVariables', variables: [{ key: 'x', value: '${stages.nope.outputs.y}' }] }]),
    );
    const execution = await gantry.waitFor(await gantry.trigger(id));
    expect(execution.status).toBe('TERMINAL');
    const bad = stageOf(execution, 'bad');
    expect(bad.status).toBe('TERMINAL');
    expect(String(bad.error?.message)).toContain('stages.nope.outputs.y');
  });

  it('skips a stage whose stageEnabled expression is false and carries on', async () => {
    const id = await gantry.savePipeline(
      pipeline([
        { refId: 'maybe', type: 'evaluateVariables', stageEnabled: { type: 'expression', expression: 'parameters.env == "prod"' }, variables: [] },
        { refId: 'after', type: 'evaluateVariables', requisiteStageRefIds: ['maybe'], variables: [{ key: 'ok', value: true }] },
      ], { parameters: [{ name: 'env', default: 'staging' }] }),
    );
    const execution = await gantry.waitFor(await gantry.trigger(id));
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'maybe').status).toBe('SKIPPED');
    expect(stageOf(execution, 'after').outputs).toMatchObject({ ok: true });
  });

  describe('failure policies', () => {
    const failing = (refId: string, policy: Record<string, unknown>, requisiteStageRefIds: string[] = []) => ({
      refId,
      type: 'checkPreconditions',
      requisiteStageRefIds,
      preconditions: [{ type: 'expression', context: { expression: '${1 == 2}', failureMessage: 'one is not two' } }],
      ...policy,
    });

    it('failPipeline=false, continuePipeline=true → FAILED_CONTINUE and the pipeline goes on', async () => {
      const id = await gantry.savePipeline(
        pipeline([
          failing('check', { failPipeline: false, continuePipeline: true }),
          { refId: 'next', type: 'evaluateVariables', requisiteStageRefIds: ['check'], variables: [{ key: 'ran', value: true }] },
        ]),
      );
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(stageOf(execution, 'check').status).toBe('FAILED_CONTINUE');
      expect(stageOf(execution, 'next').status).toBe('SUCCEEDED');
      expect(execution.status).toBe('SUCCEEDED');
    });

    it('failPipeline=false without continuePipeline halts only that branch', async () => {
      const id = await gantry.savePipeline(
        pipeline([
          failing('check', { failPipeline: false }),
          { refId: 'blocked', type: 'evaluateVariables', requisiteStageRefIds: ['check'], variables: [] },
          { refId: 'other', type: 'evaluateVariables', variables: [] },
        ]),
      );
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(stageOf(execution, 'check').status).toBe('STOPPED');
      expect(stageOf(execution, 'blocked').status).toBe('NOT_STARTED');
      expect(stageOf(execution, 'other').status).toBe('SUCCEEDED');
    });

    it('failPipeline=true halts the pipeline and cancels the other branch', async () => {
      const id = await gantry.savePipeline(
        pipeline([failing('check', {}), { refId: 'slow', type: 'wait', waitTime: 30 }]),
      );
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(execution.status).toBe('TERMINAL');
      expect(stageOf(execution, 'check').status).toBe('TERMINAL');
      expect(stageOf(execution, 'slow').status).toBe('CANCELED');
      expect(String(stageOf(execution, 'check').error?.message)).toContain('one is not two');
    });

    it('completeOtherBranchesThenFail lets the other branch finish, then fails', async () => {
      const id = await gantry.savePipeline(
        pipeline([
          failing('check', { completeOtherBranchesThenFail: true }),
          { refId: 'blocked', type: 'evaluateVariables', requisiteStageRefIds: ['check'], variables: [] },
          { refId: 'slow', type: 'wait', waitTime: 1 },
          { refId: 'afterSlow', type: 'evaluateVariables', requisiteStageRefIds: ['slow'], variables: [{ key: 'done', value: 1 }] },
        ]),
      );
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(execution.status).toBe('TERMINAL');
      expect(stageOf(execution, 'check').status).toBe('TERMINAL');
      expect(stageOf(execution, 'blocked').status).toBe('NOT_STARTED');
      expect(stageOf(execution, 'afterSlow').status).toBe('SUCCEEDED');
    });

    it('a stage timeout ends the stage TERMINAL with the reason', async () => {
      const id = await gantry.savePipeline(pipeline([{ refId: 'long', type: 'wait', waitTime: 60, stageTimeoutMs: 300 }]));
      const execution = await gantry.waitFor(await gantry.trigger(id));
      expect(execution.status).toBe('TERMINAL');
      const long = stageOf(execution, 'long');
      expect(long.status).toBe('TERMINAL');
      expect(String(long.error?.message)).toMatch(/timed out.*stageTimeoutMs=300/);
    });
  });

  it('runs a child pipeline and surfaces its outputs', async () => {
    const child = await gantry.savePipeline(
      pipeline([{ refId: 'out', type: 'evaluateVariables', variables: [{ key: 'artifact', value: 'img-${parameters.tag}' }] }], {
        name: 'child-build',
        parameters: [{ name: 'tag', required: true }],
      }),
    );
    expect(child).toBeTruthy();
    const parent = await gantry.savePipeline(
      pipeline([
        { refId: 'build', type: 'pipeline', application: 'checkout', pipeline: 'child-build', pipelineParameters: { tag: '42' } },
        { refId: 'use', type: 'evaluateVariables', requisiteStageRefIds: ['build'], variables: [{ key: 'got', value: '${stages.build.outputs.outputs.artifact}' }] },
      ]),
    );
    const execution = await gantry.waitFor(await gantry.trigger(parent));
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'use').outputs).toMatchObject({ got: 'img-42' });
    const childId = String(stageOf(execution, 'build').outputs.executionId);
    const childExecution = await gantry.waitFor(childId);
    expect(childExecution.parentExecutionId).toBe(execution.id);
  });

  describe('limitConcurrent', () => {
    it('rejects a second execution with 409 unless keepWaitingPipelines queues it', async () => {
      const rejecting = await gantry.savePipeline(pipeline([{ refId: 'w', type: 'wait', waitTime: 30 }], { limitConcurrent: true }));
      const first = await gantry.trigger(rejecting);
      await gantry.waitFor(first, (e) => e.status === 'RUNNING');
      const second = await gantry.request('POST', `/api/v1/pipelines/${rejecting}/executions`, {});
      expect(second.status).toBe(409);
      await gantry.request('POST', `/api/v1/executions/${first}/cancel`, {});

      const queueing = await gantry.savePipeline(
        pipeline([{ refId: 'w', type: 'wait', waitTime: 30 }], { limitConcurrent: true, keepWaitingPipelines: true }),
      );
      // A wait can be skipped once its stage runs, not merely its execution.
      const waiting = (e: ExecutionDetail) => e.stages.some((stage) => stage.refId === 'w' && stage.status === 'RUNNING');
      const a = await gantry.trigger(queueing);
      await gantry.waitFor(a, waiting);
      const b = await gantry.trigger(queueing);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await gantry.waitFor(b, () => true)).status).toBe('NOT_STARTED');
      await gantry.request('POST', `/api/v1/executions/${a}/stages/w/skip`, {});
      await gantry.waitFor(a);
      await gantry.waitFor(b, waiting);
      await gantry.request('POST', `/api/v1/executions/${b}/stages/w/skip`, {});
      expect((await gantry.waitFor(b)).status).toBe('SUCCEEDED');
    });
  });
});

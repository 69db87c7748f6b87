import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStageType } from '../../packages/core/src';
import { startWorker, type RunningWorker, type TaskImplementation } from '../../apps/worker/src';
import type { MessageBus, OutgoingMessage } from '../../packages/queue/src';
import { EFFECT_TABLE_SQL, recordEffectTask, registerEffectStage } from '../support/effectStage';
import { PostgresExecutionCommands } from '../../packages/store/src';
import { silentLog, stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { readUntil } from '../support/eventually';

registerEffectStage();

/** A stage whose second task fails TERMINAL, after which its two on-failure tasks each record an effect. */
registerStageType({
  type: 'lossyFailThenCleanUp',
  fields: z.looseObject({}),
  tasks: () => ['recordEffect', 'lossyFail'],
  onFailureTasks: () => ['recordEffect', 'recordEffect'],
});
const lossyFailTask: TaskImplementation = { name: 'lossyFail', run: async () => ({ status: 'TERMINAL', error: 'the main task failed' }) };

/**
 * A worker that dies after a handler commits but before its follow-up messages reach the queue:
 * the queue redelivers the message, and the handler must send those follow-ups again. Here every
 * batch of follow-ups is lost once (the send fails, so the queue retries the message), which
 * walks every handler's redelivery path.
 */
function losingEachSendOnce(bus: MessageBus): { bus: MessageBus; lost: () => number; loseAgain: () => void } {
  const seen = new Set<string>();
  const loseFirst = (batch: OutgoingMessage[]) => {
    const key = JSON.stringify(batch.map(({ message }) => message));
    if (seen.has(key)) return;
    seen.add(key);
    throw new Error('the worker died before its follow-ups were sent');
  };
  return {
    bus: {
      async send(message, options) {
        loseFirst([{ message }]);
        await bus.send(message, options);
      },
      async sendAll(messages) {
        if (messages.length > 0) loseFirst(messages);
        await bus.sendAll(messages);
      },
      inFlight: (limit) => bus.inFlight(limit),
      close: () => bus.close(),
    },
    lost: () => seen.size,
    loseAgain: () => seen.clear(),
  };
}

// a → (b, c) → d, with a wait that polls: starts, completions, joins and polls all lose their follow-ups once.
const STAGES = [
  { refId: 'a', type: 'recordEffect', effects: 2 },
  { refId: 'b', type: 'recordEffect', effects: 1, requisiteStageRefIds: ['a'] },
  { refId: 'c', type: 'wait', waitTime: 0.3, requisiteStageRefIds: ['a'] },
  { refId: 'd', type: 'recordEffect', effects: 2, requisiteStageRefIds: ['b', 'c'] },
];

describe.each(QUEUE_BACKENDS)('follow-up messages lost after a commit, on the %s queue backend', (backend) => {
  let gantry: TestGantry;
  let worker: RunningWorker;
  let losing: ReturnType<typeof losingEachSendOnce>;
  beforeAll(async () => {
    gantry = await startTestGantry({ backend, worker: false });
    await gantry.database.db.pool.query(EFFECT_TABLE_SQL);
    losing = losingEachSendOnce(gantry.bus);
    worker = startWorker({
      db: gantry.database.db,
      bus: losing.bus,
      queue: gantry.queue,
      log: silentLog,
      lockDurationMs: 5_000,
      reconcileIntervalMs: 0,
      extraTasks: [recordEffectTask, lossyFailTask],
    });
  });
  afterAll(async () => {
    await worker?.close();
    await gantry?.stop();
  });

  /** The task effects recorded for these executions, by execution, each with its count. */
  async function effectsOf(executionIds: string[]): Promise<{ execution: string; count: number }[]> {
    const { rows } = await gantry.database.db.pool.query<{ execution: string; count: number }>(
      `SELECT split_part(key, ':', 1) AS execution, count FROM test_effects WHERE split_part(key, ':', 1) = ANY($1::text[])`,
      [executionIds],
    );
    return rows;
  }

  it('are sent again when the message is redelivered: every stage runs, every task effect once', async () => {
    const pipelineId = await gantry.savePipeline({ application: 'lossy', name: 'dag', limitConcurrent: false, stages: STAGES });
    const ids = [await gantry.trigger(pipelineId), await gantry.trigger(pipelineId)];
    for (const id of ids) expect((await gantry.waitFor(id, undefined, 60_000)).status).toBe('SUCCEEDED');
    expect(losing.lost()).toBeGreaterThan(10);
    const { rows } = await gantry.database.db.pool.query<{ key: string; count: number }>(
      `SELECT key, count FROM test_effects WHERE split_part(key, ':', 1) = ANY($1::text[])`,
      [ids],
    );
    expect(rows).toHaveLength(ids.length * 5);
    expect(rows.filter((row) => row.count !== 1)).toEqual([]);
  }, 90_000);

  it('a resume whose follow-up was lost still runs the paused task to the end', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'pause',
      stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
    });
    const executionId = await gantry.trigger(pipelineId);
    await gantry.waitFor(executionId, (e) => stageOf(e, 'w').status === 'RUNNING', 30_000);
    const commands = new PostgresExecutionCommands(gantry.database.db.pool);
    await commands.pause(executionId, { user: 'ana' });
    losing.loseAgain();
    const resumed = await commands.resume(executionId, { user: 'ana' });
    await gantry.bus.sendAll(resumed.messages.map((message) => ({ message })));
    expect((await gantry.waitFor(executionId, undefined, 30_000)).status).toBe('SUCCEEDED');
  }, 60_000);

  it('a restart of a completed stage whose follow-ups were lost runs it and its downstream stage again, each effect once', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'restart',
      stages: [
        { refId: 'a', type: 'recordEffect', effects: 1 },
        { refId: 'b', type: 'recordEffect', effects: 2, requisiteStageRefIds: ['a'] },
      ],
    });
    const executionId = await gantry.trigger(pipelineId);
    expect((await gantry.waitFor(executionId, undefined, 30_000)).status).toBe('SUCCEEDED');
    const commands = new PostgresExecutionCommands(gantry.database.db.pool);
    // A batch is lost only the first time it is seen: forget the first run's, so the restart's are
    // all lost once too, even those that repeat one of the first run's.
    losing.loseAgain();
    const restart = await commands.restartStage(executionId, 'a', { user: 'ana' });
    await gantry.bus.sendAll(restart.messages.map((message) => ({ message })));
    const restarted = await gantry.waitFor(executionId, (e) => e.status === 'SUCCEEDED' && stageOf(e, 'b').attempt === 1, 30_000);
    expect(['a', 'b'].map((refId) => [stageOf(restarted, refId).status, stageOf(restarted, refId).attempt])).toEqual([
      ['SUCCEEDED', 1],
      ['SUCCEEDED', 1],
    ]);
    expect(losing.lost()).toBeGreaterThan(3);
    const effects = await effectsOf([executionId]);
    expect(effects).toHaveLength(2 * 3);
    expect(effects.filter((effect) => effect.count !== 1)).toEqual([]);
  }, 60_000);

  it('a cancel whose follow-ups were lost still cancels the execution and starts the queued one', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'cancel',
      limitConcurrent: true,
      keepWaitingPipelines: true,
      parameters: [{ name: 'soak', default: 'no' }],
      stages: [
        { refId: 'soak', type: 'wait', waitTime: 600, stageEnabled: { type: 'expression', expression: 'parameters.soak == "yes"' } },
        { refId: 'e', type: 'recordEffect', effects: 1, requisiteStageRefIds: ['soak'] },
      ],
    });
    const first = await gantry.trigger(pipelineId, { soak: 'yes' });
    await gantry.waitFor(first, (e) => stageOf(e, 'soak').status === 'RUNNING', 30_000);
    const queued = await gantry.trigger(pipelineId);
    await readUntil(
      async () => (await gantry.request<{ events: { type: string }[] }>('GET', `/api/v1/executions/${queued}/events`)).body.events.map((e) => e.type),
      (types) => types.includes('EXECUTION_QUEUED'),
      30_000,
    );
    const commands = new PostgresExecutionCommands(gantry.database.db.pool);
    const canceled = await commands.cancel(first, { user: 'ana' });
    await gantry.bus.sendAll(canceled.messages.map((message) => ({ message })));
    const next = await gantry.waitFor(queued, undefined, 30_000);
    expect(next.status).toBe('SUCCEEDED');
    expect([stageOf(next, 'soak').status, stageOf(next, 'e').status]).toEqual(['SKIPPED', 'SUCCEEDED']);
    const ended = await gantry.waitFor(first, (e) => stageOf(e, 'soak').status !== 'RUNNING', 30_000);
    expect([ended.status, stageOf(ended, 'soak').status, stageOf(ended, 'e').status]).toEqual(['CANCELED', 'CANCELED', 'NOT_STARTED']);
    expect(await effectsOf([first, queued])).toEqual([{ execution: queued, count: 1 }]);
  }, 60_000);

  it('a failed stage whose follow-ups were lost runs each of its on-failure tasks once and still fails', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'onFailure',
      stages: [{ refId: 's', type: 'lossyFailThenCleanUp' }],
    });
    const executionId = await gantry.trigger(pipelineId);
    const execution = await gantry.waitFor(executionId, undefined, 30_000);
    expect(execution.status).toBe('TERMINAL');
    const stage = stageOf(execution, 's');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toEqual({ message: 'the main task failed', task: 'lossyFail' });
    expect(stage.tasks.map((task) => [task.name, task.status, task.onFailure])).toEqual([
      ['recordEffect', 'SUCCEEDED', false],
      ['lossyFail', 'TERMINAL', false],
      ['recordEffect', 'SUCCEEDED', true],
      ['recordEffect', 'SUCCEEDED', true],
    ]);
    const effects = await effectsOf([executionId]);
    expect(effects).toHaveLength(3);
    expect(effects.filter((effect) => effect.count !== 1)).toEqual([]);
    const events = await gantry.request<{ events: { type: string }[] }>('GET', `/api/v1/executions/${executionId}/events`);
    expect(events.body.events.filter((event) => event.type === 'ON_FAILURE_TASKS_STARTED')).toHaveLength(1);
  }, 60_000);

  it('a pipeline trigger whose follow-ups were lost starts the downstream pipeline exactly once', async () => {
    const upstream = await gantry.savePipeline({
      application: 'lossy',
      name: 'upstream',
      stages: [{ refId: 'u', type: 'recordEffect', effects: 1 }],
    });
    const downstream = await gantry.savePipeline({
      application: 'lossy',
      name: 'downstream',
      triggers: [{ type: 'pipeline', application: 'lossy', pipeline: upstream, status: ['succeeded'] }],
      stages: [{ refId: 'd', type: 'recordEffect', effects: 1 }],
    });
    const upstreamId = await gantry.trigger(upstream);
    expect((await gantry.waitFor(upstreamId, undefined, 30_000)).status).toBe('SUCCEEDED');
    const downstreamIds = async () =>
      (await gantry.database.db.pool.query<{ id: string }>('SELECT id FROM executions WHERE pipeline_id = $1', [downstream])).rows.map((row) => row.id);
    const [chained] = await readUntil(downstreamIds, (ids) => ids.length > 0, 30_000);
    const finished = await gantry.waitFor(chained!, undefined, 30_000);
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.parentExecutionId).toBe(upstreamId);
    expect(await downstreamIds()).toEqual([chained]);
    expect(await effectsOf([upstreamId, chained!])).toHaveLength(2);
    expect((await effectsOf([upstreamId, chained!])).filter((effect) => effect.count !== 1)).toEqual([]);
  }, 60_000);

  it('a cron tick whose follow-up was lost starts its execution exactly once', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'cron',
      triggers: [{ type: 'cron', expression: '0 0 1 1 *', timezone: 'UTC' }],
      stages: [{ refId: 'c', type: 'recordEffect', effects: 1 }],
    });
    await gantry.bus.send({ type: 'CronTick', pipelineId, triggerIndex: 0, expression: '0 0 1 1 *', timezone: 'UTC', tick: Date.parse('2027-01-01T00:00:00Z') });
    const executionIds = async () =>
      (await gantry.database.db.pool.query<{ id: string }>('SELECT id FROM executions WHERE pipeline_id = $1', [pipelineId])).rows.map((row) => row.id);
    const [started] = await readUntil(executionIds, (ids) => ids.length > 0, 30_000);
    expect((await gantry.waitFor(started!, undefined, 30_000)).status).toBe('SUCCEEDED');
    expect(await executionIds()).toEqual([started]);
    expect(await effectsOf([started!])).toEqual([{ execution: started, count: 1 }]);
  }, 60_000);

  it('a stage failing with continuePipeline and stages skipped by stageEnabled pass their follow-ups on after a loss', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'lossy',
      name: 'continue',
      limitConcurrent: false,
      stages: [
        {
          refId: 'check',
          type: 'checkPreconditions',
          failPipeline: false,
          continuePipeline: true,
          preconditions: [{ type: 'expression', context: { expression: '${1 == 2}', failureMessage: 'one is not two' } }],
        },
        { refId: 'off', type: 'recordEffect', effects: 1, stageEnabled: { type: 'expression', expression: 'false' } },
        { refId: 'mid', type: 'recordEffect', effects: 1, requisiteStageRefIds: ['check'], stageEnabled: { type: 'expression', expression: 'false' } },
        { refId: 'after', type: 'recordEffect', effects: 2, requisiteStageRefIds: ['mid', 'off'] },
      ],
    });
    const executionId = await gantry.trigger(pipelineId);
    const execution = await gantry.waitFor(executionId, undefined, 30_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(['check', 'off', 'mid', 'after'].map((refId) => stageOf(execution, refId).status)).toEqual([
      'FAILED_CONTINUE',
      'SKIPPED',
      'SKIPPED',
      'SUCCEEDED',
    ]);
    const effects = await effectsOf([executionId]);
    expect(effects).toHaveLength(2);
    expect(effects.filter((effect) => effect.count !== 1)).toEqual([]);
  }, 60_000);
});

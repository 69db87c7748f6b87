import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../apps/worker/src';
import type { MessageBus, OutgoingMessage } from '../../packages/queue/src';
import { EFFECT_TABLE_SQL, recordEffectTask, registerEffectStage } from '../support/effectStage';
import { PostgresExecutionCommands } from '../../packages/store/src';
import { silentLog, stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

registerEffectStage();

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
      extraTasks: [recordEffectTask],
    });
  });
  afterAll(async () => {
    await worker?.close();
    await gantry?.stop();
  });

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
});

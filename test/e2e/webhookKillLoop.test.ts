import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type ChildWorker } from '../support/childWorker';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

/**
 * The webhook stage is at least once (issue 15, item 4; README "A webhook stage is delivered at
 * least once"): both workers are SIGKILLed again and again while webhook stages send to a receiver
 * that takes its time to answer, so kills land between a request leaving and its answer being
 * recorded. Every re-send must carry the Idempotency-Key of the first send of that stage attempt;
 * how many sends were repeats is measured and printed (`webhook re-sends`), never asserted.
 */
const EXECUTIONS = 40;
const KILL_ROUNDS = 6;
/** How long the receiver holds each request before it answers: the window a kill re-sends in. */
const ANSWER_DELAY_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Receiver {
  server: Server;
  url: string;
  /** Idempotency-Key of every request, in arrival order (one entry per send). */
  keys: string[];
}

function startReceiver(): Promise<Receiver> {
  const keys: string[] = [];
  const server = createServer((request, response) => {
    keys.push(String(request.headers['idempotency-key'] ?? 'none'));
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"deployed":true}');
      }, ANSWER_DELAY_MS);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`, keys })),
  );
}

const figures: object[] = [];

afterAll(() => {
  if (figures.length > 0) console.log(`webhook re-sends under repeated SIGKILL of both workers:\n${figures.map((f) => JSON.stringify(f)).join('\n')}`);
});

describe.each(QUEUE_BACKENDS)('webhook stages while both workers are killed again and again (%s queue backend)', (backend) => {
  let gantry: TestGantry;
  let receiver: Receiver;
  const workers: ChildWorker[] = [];

  beforeAll(async () => {
    gantry = await startTestGantry({ backend, worker: false });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await new Promise((resolve) => receiver?.server.close(resolve));
    await gantry?.stop();
  });

  const startWorkers = async (count: number): Promise<ChildWorker[]> => {
    const started = Array.from({ length: count }, () => spawnWorker(gantry.database.url, gantry.queue, { GANTRY_WORKER_CONCURRENCY: '8' }));
    workers.push(...started);
    await Promise.all(started.map((worker) => worker.ready));
    return started;
  };

  it('every re-send of a stage carries the key of its first send; every execution finishes, no task completed twice', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'hooks',
      name: `kill-${backend}`,
      limitConcurrent: false,
      stages: [
        { refId: 'hook', type: 'webhook', url: receiver.url, method: 'POST', payload: { release: '${execution.id}' } },
        { refId: 'after', type: 'wait', waitTime: 0, requisiteStageRefIds: ['hook'] },
      ],
    });
    let pair = await startWorkers(2);
    const ids: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) ids.push(await gantry.trigger(pipelineId));

    let kills = 0;
    for (let round = 0; round < KILL_ROUNDS; round++) {
      // Somewhere inside a request's answer window, most of the time.
      await sleep(ANSWER_DELAY_MS / 2 + Math.random() * ANSWER_DELAY_MS * 2);
      await Promise.all(pair.map((worker) => worker.kill('SIGKILL')));
      kills += pair.length;
      pair = await startWorkers(2);
    }
    const finished = await Promise.all(ids.map((id) => gantry.waitFor(id, undefined, 120_000)));
    expect(finished.filter((execution) => execution.status !== 'SUCCEEDED').map((e) => [e.id, e.status])).toEqual([]);

    const pool = gantry.database.db.pool;
    const { rows: stages } = await pool.query<{ execution_id: string; id: string; attempt: number }>(
      `SELECT execution_id, id, attempt FROM stages WHERE execution_id = ANY($1::uuid[]) AND ref_id = 'hook'`,
      [ids],
    );
    const sendsPerKey = new Map<string, number>();
    for (const key of receiver.keys) sendsPerKey.set(key, (sendsPerKey.get(key) ?? 0) + 1);
    // One key per stage attempt, the one its first send carried; no send without it or with another.
    expect([...sendsPerKey.keys()].sort()).toEqual(stages.map((stage) => `${stage.execution_id}:${stage.id}:${stage.attempt}`).sort());
    expect(stages.every((stage) => stage.attempt === 0)).toBe(true);

    const twice = await pool.query(
      `SELECT stage_id, type, data->>'attempt' AS attempt, data->>'index' AS index, count(*)::int AS n
       FROM audit_events WHERE execution_id = ANY($1::uuid[]) AND type IN ('STAGE_STARTED', 'STAGE_COMPLETED', 'TASK_COMPLETED')
       GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
      [ids],
    );
    expect(twice.rows).toEqual([]);

    const sends = receiver.keys.length;
    const resent = sends - sendsPerKey.size;
    figures.push({
      backend,
      stages: sendsPerKey.size,
      sends,
      resent,
      resentStages: [...sendsPerKey.values()].filter((count) => count > 1).length,
      resendRatePercent: Math.round((resent / sendsPerKey.size) * 1000) / 10,
      kills,
    });
    expect(sends).toBeGreaterThanOrEqual(EXECUTIONS);
    await Promise.all(pair.map((worker) => worker.kill('SIGTERM')));
  }, 240_000);
});

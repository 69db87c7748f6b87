import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../apps/api/src';
import { asUser, authenticateInjects, testAuth } from '../../apps/api/src/testSupport';
import { startWorker } from '../../apps/worker/src';
import { createMessageBus } from '../../packages/queue/src';
import { IdempotencyKeys, PipelineRepository, PostgresExecutionCommands, PostgresExecutionRepository } from '../../packages/store/src';
import { silentLog, startTestGantry, type TestGantry } from '../support/gantryHarness';

let gantry: TestGantry;
let pipelineId: string;
let otherPipelineId: string;

beforeAll(async () => {
  gantry = await startTestGantry({ worker: false });
  const pipeline = (name: string) => ({ application: 'idem', name, limitConcurrent: false, stages: [{ refId: 'a', type: 'wait', waitTime: 0 }] });
  pipelineId = await gantry.savePipeline(pipeline('one'));
  otherPipelineId = await gantry.savePipeline(pipeline('two'));
});

afterAll(async () => {
  await gantry?.stop();
});

async function trigger(pipeline: string, key: string | undefined, body: unknown = { parameters: {} }, user = 'ana') {
  const response = await gantry.api.inject({
    method: 'POST',
    url: `/api/v1/pipelines/${pipeline}/executions`,
    headers: { 'content-type': 'application/json', ...asUser(user), ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: JSON.stringify(body),
  });
  return { status: response.statusCode, replayed: response.headers['idempotent-replayed'], body: response.json<Record<string, unknown>>() };
}

async function executionCount(pipeline: string): Promise<number> {
  const { rows } = await gantry.database.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE pipeline_id = $1', [pipeline]);
  return rows[0]!.n;
}

describe('Idempotency-Key on triggers', () => {
  it('answers a repeat with the first answer and starts nothing new', async () => {
    const before = await executionCount(pipelineId);
    const first = await trigger(pipelineId, 'deploy-42', { parameters: { a: 1, b: 2 } });
    expect(first.status).toBe(202);
    expect(first.replayed).toBeUndefined();
    // Key order does not make another request.
    const again = await trigger(pipelineId, 'deploy-42', { parameters: { b: 2, a: 1 } });
    expect(again).toEqual({ status: 202, replayed: 'true', body: first.body });
    expect(await executionCount(pipelineId)).toBe(before + 1);
  });

  it('refuses the same key with a different body: 422 naming the key, nothing started', async () => {
    await trigger(pipelineId, 'deploy-43', { parameters: { version: '1' } });
    const before = await executionCount(pipelineId);
    const reused = await trigger(pipelineId, 'deploy-43', { parameters: { version: '2' } });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED', details: { idempotencyKey: 'deploy-43' } } });
    expect((reused.body as { error: { message: string } }).error.message).toContain('deploy-43');
    expect(await executionCount(pipelineId)).toBe(before);
  });

  it('scopes keys to the pipeline and the caller', async () => {
    const mine = await trigger(pipelineId, 'shared-key');
    const theirs = await trigger(pipelineId, 'shared-key', { parameters: {} }, 'bob');
    const otherPipeline = await trigger(otherPipelineId, 'shared-key');
    expect(new Set([mine.body.id, theirs.body.id, otherPipeline.body.id]).size).toBe(3);
    expect([mine.replayed, theirs.replayed, otherPipeline.replayed]).toEqual([undefined, undefined, undefined]);
  });

  it('starts one execution for concurrent repeats', async () => {
    const before = await executionCount(pipelineId);
    const answers = await Promise.all(Array.from({ length: 8 }, () => trigger(pipelineId, 'burst')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await executionCount(pipelineId)).toBe(before + 1);
  });

  it('forgets a key whose request failed, so its retry is carried out', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await trigger(missing, 'retry-me')).status).toBe(404);
    const { rows } = await gantry.database.db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', ['retry-me']);
    expect(rows).toEqual([]);
  });
});

describe('a trigger while the queue is down', () => {
  it('is accepted (202, stored) without waiting for the queue, and starts once a worker sees the queue again', async () => {
    // The API's queue is a Redis nobody listens on.
    const deadBus = createMessageBus({ kind: 'redis', url: 'redis://127.0.0.1:1', prefix: 'nowhere' });
    const pool = gantry.database.db.pool;
    const api = buildServer({
      pipelines: new PipelineRepository(gantry.database.db.prisma),
      executions: new PostgresExecutionRepository(pool),
      commands: new PostgresExecutionCommands(pool),
      bus: deadBus,
      readiness: async () => [],
      logger: false,
      idempotencyKeys: new IdempotencyKeys(pool),
      auth: testAuth(gantry.database),
    });
    authenticateInjects(api, testAuth(gantry.database));
    try {
      const response = await api.inject({
        method: 'POST',
        url: `/api/v1/pipelines/${pipelineId}/executions`,
        headers: { 'content-type': 'application/json', 'idempotency-key': 'while-down' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(202);
      const id = response.json<{ id: string; status: string }>().id;
      expect(response.json<{ status: string }>().status).toBe('NOT_STARTED');
      // A client retrying gets the same execution, not a second one.
      const retried = await api.inject({
        method: 'POST',
        url: `/api/v1/pipelines/${pipelineId}/executions`,
        headers: { 'content-type': 'application/json', 'idempotency-key': 'while-down' },
        payload: '{}',
      });
      expect(retried.json<{ id: string }>().id).toBe(id);

      // The queue is back (the harness's live one): the worker's reconciler starts what was stored.
      const worker = startWorker({ db: gantry.database.db, bus: gantry.bus, queue: gantry.queue, log: silentLog, reconcileIntervalMs: 300 });
      try {
        expect((await gantry.waitFor(id, undefined, 30_000)).status).toBe('SUCCEEDED');
      } finally {
        await worker.close();
      }
    } finally {
      await api.close();
      await deadBus.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/providers/src/local/ports';
import { spawnGantry, waitForReady, type GantryProcess } from '../support/gantryProcess';
import { startPrivatePostgres, type PrivatePostgres } from '../support/privatePostgres';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { REDIS_URL } from '../support/services';
import { testQueuePrefix } from '../support/testDatabase';

/**
 * PostgreSQL restarted, then stopped for 20 s, under the API and a worker running as the
 * scale-out processes (`start:api`, `start:worker`) with executions in flight: nothing exits, the
 * API answers 503 with Retry-After while the database is away and recovers by itself, and every
 * execution finishes.
 */

// a → (b, c) → d: waits, so executions are mid-flight during each fault, and a parallel join.
const STAGES = [
  { refId: 'a', type: 'wait', waitTime: 1 },
  { refId: 'b', type: 'wait', waitTime: 2, requisiteStageRefIds: ['a'] },
  { refId: 'c', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
  { refId: 'd', type: 'wait', waitTime: 1, requisiteStageRefIds: ['b', 'c'] },
];
const OUTAGE_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(QUEUE_BACKENDS)('PostgreSQL outages with the %s queue backend', (backend) => {
  let postgres: PrivatePostgres;
  let api: GantryProcess;
  let worker: GantryProcess;
  let baseUrl: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    const databaseUrl = await postgres.createDatabase('gantry');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: databaseUrl,
      // Unset: BullMQ's PostgreSQL backend, in the same (restarted) database.
      REDIS_URL: backend === 'redis' ? REDIS_URL : undefined,
      GANTRY_QUEUE_PREFIX: testQueuePrefix(),
      GANTRY_ACCOUNTS_FILE: undefined,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      GANTRY_LOCK_DURATION_MS: '2000',
    };
    api = spawnGantry(env, 'api');
    await waitForReady(baseUrl, api);
    worker = spawnGantry({ ...env, LOG_LEVEL: 'info' }, 'worker');
    while (!worker.output().includes('worker started')) {
      if (worker.process.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
      await sleep(100);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([api?.kill('SIGKILL'), worker?.kill('SIGKILL')]);
    await postgres?.destroy();
  });

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  }

  /** Triggers as a client that honours 503 + Retry-After would (shortened: the test polls). */
  async function trigger(pipelineId: string): Promise<string> {
    for (;;) {
      const response = await call('POST', `/pipelines/${pipelineId}/executions`, {});
      if (response.status === 202) return response.body.id as string;
      expect(response.status, JSON.stringify(response.body)).toBe(503);
      await sleep(200);
    }
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const response = await call('GET', `/executions/${id}`);
    return response.status === 200 ? (response.body.status as string) : undefined;
  }

  function expectAlive() {
    expect(api.process.exitCode, api.output()).toBeNull();
    expect(worker.process.exitCode, worker.output()).toBeNull();
  }

  it('rides out a restart and a 20 s stop: 503 + Retry-After meanwhile, no process exits, every execution finishes', async () => {
    const saved = await call('POST', '/pipelines', { application: 'outage', name: `outage-${backend}`, limitConcurrent: false, stages: STAGES });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const pipelineId = saved.body.id as string;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await trigger(pipelineId));

    // Restart: every connection (pools, checked-out clients, the queue's LISTEN client) is cut.
    await sleep(1_500);
    await postgres.restart();
    for (let i = 0; i < 4; i++) ids.push(await trigger(pipelineId));
    await sleep(1_500);
    expectAlive();

    // Stopped for 20 s: every answer that needs the database is a 503 with Retry-After.
    await postgres.stop();
    const answers: { status: number; retryAfter: string | null }[] = [];
    const stoppedAt = Date.now();
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const [read, write] = await Promise.all([call('GET', `/executions/${ids[0]}`), call('POST', `/pipelines/${pipelineId}/executions`, {})]);
      answers.push(read, write);
      await sleep(1_000);
    }
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((answer) => answer.status !== 503 || !answer.retryAfter)).toEqual([]);
    expectAlive();

    await postgres.start();
    const startedAt = Date.now();
    while ((await call('GET', `/executions/${ids[0]}`)).status !== 200) await sleep(100);
    const recoveredMs = Date.now() - startedAt;
    ids.push(await trigger(pipelineId));

    const deadline = Date.now() + 120_000;
    let pending = ids;
    while (pending.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(pending.map(async (id) => [id, await statusOf(id)] as const));
      const finished = statuses.filter(([, status]) => status !== 'RUNNING' && status !== 'NOT_STARTED' && status !== undefined);
      expect(finished.filter(([, status]) => status !== 'SUCCEEDED')).toEqual([]);
      pending = statuses.filter(([, status]) => status === 'RUNNING' || status === 'NOT_STARTED' || status === undefined).map(([id]) => id);
      if (pending.length > 0) await sleep(500);
    }
    const finishedMs = Date.now() - startedAt;
    expect(pending).toEqual([]);
    expectAlive();
    process.stdout.write(`[${backend}] API answered again ${recoveredMs} ms after PostgreSQL came back; all ${ids.length} executions finished ${finishedMs} ms after\n`);
  }, 240_000);
});

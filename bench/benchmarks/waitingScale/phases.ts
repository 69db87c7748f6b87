import { ConflictError } from '@gantry/core';
import type { Pool } from 'pg';
import type { BenchGantry } from '../../lib/gantry';
import { distribution, type Distribution } from '../../lib/stats';
import { forEachLimited, pollUntil } from '../../lib/time';

/** Launches `count` executions of the pipelines round-robin and sends their StartExecution, as the API does. */
export async function launchMany(gantry: BenchGantry, pipelineIds: string[], count: number, width: number): Promise<string[]> {
  const ids: string[] = [];
  await forEachLimited(Array.from({ length: count }, (_, i) => i), width, async (i) => {
    const pipelineId = pipelineIds[i % pipelineIds.length];
    if (!pipelineId) throw new Error('no pipeline to launch');
    const launched = await gantry.executions.launch({ pipelineId, trigger: { type: 'bench' }, parameters: {} });
    await gantry.bus.sendAll(launched.messages.map((message) => ({ message })));
    ids.push(launched.value.id);
  });
  return ids;
}

/** Parked = the judgment task has run once and now only polls: the state 10k executions sit in. */
export async function waitUntilParked(pool: Pool, application: string, count: number, timeoutMs: number): Promise<void> {
  await pollUntil(
    'parking executions in manualJudgment',
    async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks t JOIN executions e ON e.id = t.execution_id
          WHERE e.application = $1 AND t.name = 'waitForJudgment' AND t.status = 'RUNNING' AND t.polls > 0`,
        [application],
      );
      const parked = rows[0]?.n ?? 0;
      return { done: parked >= count, progress: `${parked} of ${count} parked` };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

export async function waitUntilStatus(pool: Pool, application: string, status: string, count: number, timeoutMs: number): Promise<void> {
  await pollUntil(
    `executions reaching ${status}`,
    async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM executions WHERE application = $1 AND status = $2',
        [application, status],
      );
      const reached = rows[0]?.n ?? 0;
      return { done: reached >= count, progress: `${reached} of ${count} ${status}` };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Sequential GETs (one at a time: the latency of a query, not of a queue of them). */
export async function probeLatency(headers: Record<string, string>, url: string, requests: number): Promise<{ latencyMs: Distribution | null; failures: number; rows: number }> {
  const samples: number[] = [];
  let failures = 0;
  let rows = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const body = (await response.json()) as { executions?: unknown[] };
    samples.push(performance.now() - started);
    if (response.status !== 200) failures++;
    rows = body.executions?.length ?? 0;
  }
  return { latencyMs: distribution(samples), failures, rows };
}

/** Judges every execution's `judge` stage "continue" and sends the nudge, as the API's judgment route does. */
export async function judgeAll(gantry: BenchGantry, ids: string[], width: number): Promise<number> {
  let conflicts = 0;
  await forEachLimited(ids, width, async (id) => {
    try {
      const result = await gantry.commands.judge(id, 'judge', { user: 'bench', judgmentStatus: 'continue' });
      await gantry.bus.sendAll(result.messages.map((message) => ({ message })));
    } catch (error) {
      // A judgment racing the task's own poll is refused as a conflict; count, never hide, it.
      if (error instanceof ConflictError) conflicts++;
      else throw error;
    }
  });
  return conflicts;
}

/** Task steps run so far (each judgment poll adds one): their rate is the cost of waiting. */
export async function totalPolls(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT coalesce(sum(polls), 0)::int AS n FROM tasks WHERE name = 'waitForJudgment'`);
  return rows[0]?.n ?? 0;
}

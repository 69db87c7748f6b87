import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { cpuSince, cpuSnapshot } from '../lib/cpu';
import { createBenchDatabase } from '../lib/database';
import { startBenchGantry } from '../lib/gantry';
import { benchQueue } from '../lib/queues';
import { target, type Benchmark, type BenchOptions } from '../lib/result';
import { pollUntil } from '../lib/time';
import { runLoad } from '../support/load';
import type { LoadReport } from '../support/loadSpec';

/**
 * HTTP latency of the two hottest API calls at a fixed request rate, with the worker running in the
 * same process as in `npm start`: reading an execution, and triggering one.
 */
export const apiLatency: Benchmark = {
  name: 'api',
  description: 'GET /executions/:id and POST /pipelines/:id/executions at a fixed rate (autocannon), worker running',
  async run(options: BenchOptions) {
    const params = {
      backend: 'redis' as const,
      get: { rate: options.quick ? 200 : 1000, durationSeconds: options.quick ? 2 : 10, lanes: 10, connectionsPerLane: 4 },
      post: { rate: options.quick ? 20 : 100, durationSeconds: options.quick ? 2 : 10, lanes: 5, connectionsPerLane: 2 },
      // Long enough that no triggered execution finishes (and frees its rows) during the run.
      waitTimeSeconds: 3600,
    };
    const database = await createBenchDatabase();
    const queue = benchQueue(params.backend, database.url, 'api');
    const gantry = await startBenchGantry({ db: database.db, queue: queue.config, worker: true });
    try {
      const address = await gantry.api.listen({ host: '127.0.0.1', port: 0 });
      const port = (gantry.api.server.address() as AddressInfo).port;
      const base = `http://127.0.0.1:${port}/api/v1`;
      options.log(`api: listening on ${address}`);
      const pipelineId = await gantry.savePipeline({
        application: 'benchapi',
        name: 'long-wait',
        limitConcurrent: false,
        stages: [{ refId: 'wait', type: 'wait', waitTime: params.waitTimeSeconds }],
      });
      const executionId = await triggerOnce(base, pipelineId, gantry.headers);
      // GET then reads a typical live execution: running, with its stage and task rows.
      await pollUntil(
        'execution start',
        async () => {
          const { rows } = await database.db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM stages s JOIN tasks t ON t.stage_id = s.id WHERE s.execution_id = $1 AND t.status = 'RUNNING' AND t.polls > 0`,
            [executionId],
          );
          return { done: (rows[0]?.n ?? 0) > 0, progress: 'waiting for the wait task to run once' };
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );

      const getUrl = `${base}/executions/${executionId}`;
      options.log('api: warm-up');
      await runLoad({ url: getUrl, method: 'GET', headers: gantry.headers, rate: 100, durationSeconds: 1, lanes: 2, connectionsPerLane: 2 });

      options.log(`api: GET /executions/:id at ${params.get.rate} req/s for ${params.get.durationSeconds} s`);
      let cpuStart = cpuSnapshot();
      const get = await runLoad({ url: getUrl, method: 'GET', headers: gantry.headers, ...params.get });
      const getCpu = cpuSince(cpuStart);

      options.log(`api: POST /pipelines/:id/executions at ${params.post.rate} req/s for ${params.post.durationSeconds} s`);
      const before = await executionCount(database.db.pool, pipelineId);
      cpuStart = cpuSnapshot();
      const post = await runLoad({
        url: `${base}/pipelines/${pipelineId}/executions`,
        method: 'POST',
        body: JSON.stringify({ parameters: {} }),
        headers: { 'content-type': 'application/json', ...gantry.headers },
        ...params.post,
      });
      const postCpu = cpuSince(cpuStart);
      const created = (await executionCount(database.db.pool, pipelineId)) - before;

      const results = { get: { ...get, cpu: getCpu }, post: { ...post, executionsCreated: created, cpu: postCpu } };
      const getFailures = get.errors + get.non2xx;
      const targets = [
        target('GET /executions/:id p99 at 1k req/s', get.latencyMs?.p99 ?? null, '<=', 20, 'ms'),
        target('GET /executions/:id errors + non-2xx', getFailures, '<=', 0),
        // A p99 measured at a lower rate than asked would flatter the server.
        target('GET /executions/:id achieved req/s', get.throughput, '>=', Math.round(params.get.rate * 0.95)),
      ];
      return { status: 'ok', params, results, targets, summary: [...summaryOf('GET', get), ...summaryOf('POST', post)] };
    } finally {
      await gantry.close();
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
  },
};

async function triggerOnce(base: string, pipelineId: string, auth: { authorization: string }): Promise<string> {
  const response = await fetch(`${base}/pipelines/${pipelineId}/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ parameters: {} }),
  });
  const body = (await response.json()) as { id?: unknown };
  if (response.status !== 202 || typeof body.id !== 'string') throw new Error(`trigger failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

async function executionCount(pool: Pool, pipelineId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE pipeline_id = $1', [pipelineId]);
  return rows[0]?.n ?? 0;
}

function summaryOf(label: string, report: LoadReport): Array<[string, string]> {
  return [
    [`${label} latency p50 / p99`, `${report.latencyMs?.p50 ?? '-'} / ${report.latencyMs?.p99 ?? '-'} ms`],
    [`${label} throughput`, `${report.throughput} req/s (${report.responses} responses)`],
    [`${label} errors / non-2xx`, `${report.errors} / ${report.non2xx}`],
  ];
}

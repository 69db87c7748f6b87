import { openQueue, openWorker, type MessageOf, type QueueBackendConfig } from '@gantry/queue';
import { inTransaction, type Database } from '@gantry/store';
import { cpuSince, cpuSnapshot, type CpuUsageReport } from '../../lib/cpu';
import { linearStages, startBenchGantry } from '../../lib/gantry';
import { roundTripSnapshot, roundTripsPerTransition, type RoundTrips } from '../../lib/roundTrips';
import { perSecond } from '../../lib/stats';
import { PhaseTimeout, forEachLimited } from '../../lib/time';

export interface LimitChainsResult {
  transitions: number;
  elapsedMs: number;
  transitionsPerSecond: number | null;
  /** Statements and Redis commands per transition, from this process's clients. */
  perTransition: RoundTrips;
  cpu: CpuUsageReport;
}

/**
 * The durable-commit limit: what any engine whose truth is PostgreSQL must do per transition, and
 * nothing more. Each job runs one transaction (through the engine's own `inTransaction`) that
 * updates a stage row and appends one audit event, then enqueues the next job through the same
 * queue backend, at the same worker concurrency as the engine. The rows are real: the stages of
 * launched executions of a pipeline like the engine's, so the tables, indexes and change triggers
 * are the ones the engine pays for. Engine ÷ this is how close the engine gets to the floor.
 */
export async function runLimitChains(
  db: Database,
  queue: QueueBackendConfig,
  options: { executions: number; stages: number; concurrency: number; timeoutMs: number },
): Promise<LimitChainsResult> {
  const gantry = await startBenchGantry({ db, queue, worker: false });
  const producer = openQueue(queue);
  let remaining = 0;
  let finish: () => void = () => undefined;
  const stageIds = new Map<string, string[]>();
  const consumer = openWorker(
    queue,
    async (job) => {
      const message = job.data as MessageOf<'RunTask'>;
      const stages = stageIds.get(message.executionId) ?? [];
      const step = Number(message.taskId);
      const stageId = stages[step];
      if (stageId === undefined) return;
      await inTransaction(db.pool, async (sql) => {
        await sql.query(`UPDATE stages SET status = 'SUCCEEDED', end_time = $2 WHERE id = $1`, [stageId, new Date()]);
        await sql.query(`INSERT INTO audit_events (execution_id, stage_id, type, data) VALUES ($1, $2, 'STAGE_COMPLETED', $3)`, [
          message.executionId,
          stageId,
          JSON.stringify({ step }),
        ]);
      });
      if (step + 1 < stages.length) await producer.queue.add('RunTask', limitMessage(message.executionId, step + 1));
      else if (--remaining === 0) finish();
    },
    { concurrency: options.concurrency, lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
  );
  try {
    const pipelineId = await gantry.savePipeline({
      application: 'benchlimit',
      name: `limit-chain-${Math.random().toString(36).slice(2, 10)}`,
      limitConcurrent: false,
      stages: linearStages(options.stages, () => ({ type: 'evaluateVariables', variables: [] })),
    });
    const launch = async (count: number) => {
      const ids: string[] = [];
      await forEachLimited(Array.from({ length: count }, (_, i) => i), 4, async () => {
        const launched = await gantry.executions.launch({ pipelineId, trigger: { type: 'bench' }, parameters: {} });
        ids.push(launched.value.id);
      });
      const { rows } = await db.pool.query<{ execution_id: string; ids: string[] }>(
        'SELECT execution_id, array_agg(id ORDER BY ref_id) AS ids FROM stages WHERE execution_id = ANY($1::uuid[]) GROUP BY execution_id',
        [ids],
      );
      for (const row of rows) stageIds.set(row.execution_id, row.ids);
      return ids;
    };
    const run = async (ids: string[]) => {
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      remaining = ids.length;
      await producer.queue.addBulk(ids.map((id) => ({ name: 'RunTask', data: limitMessage(id, 0) })));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PhaseTimeout('limit chains', options.timeoutMs, `${remaining} chains left`)), options.timeoutMs);
      });
      await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    };
    await consumer.worker.waitUntilReady();
    await run(await launch(3)); // warm-up: connections and the JIT, outside the measured run
    const ids = await launch(options.executions);
    const t0 = performance.now();
    const cpuAtStart = cpuSnapshot();
    const tripsAtStart = roundTripSnapshot();
    await run(ids);
    const elapsedMs = performance.now() - t0;
    const cpu = cpuSince(cpuAtStart);
    const transitions = options.executions * options.stages;
    return {
      transitions,
      elapsedMs: Math.round(elapsedMs),
      transitionsPerSecond: perSecond(transitions, elapsedMs),
      perTransition: roundTripsPerTransition(tripsAtStart, transitions),
      cpu,
    };
  } finally {
    await consumer.close();
    await producer.close();
    await gantry.close();
  }
}

function limitMessage(executionId: string, step: number): MessageOf<'RunTask'> {
  return { type: 'RunTask', executionId, stageId: 'limit', taskId: String(step) };
}

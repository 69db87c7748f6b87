import { register } from 'prom-client';
import type { MessageBus, QueueBackendConfig } from '@gantry/queue';
import type { Database } from '@gantry/store';
import { cpuSince, cpuSnapshot, type CpuUsageReport } from '../../lib/cpu';
import { linearStages, startBenchGantry, type BenchGantry } from '../../lib/gantry';
import { roundTripSnapshot, roundTripsPerTransition, type RoundTrips } from '../../lib/roundTrips';
import { distribution, perSecond, type Distribution } from '../../lib/stats';
import { forEachLimited, pollUntil } from '../../lib/time';
import { spawnWorker, type ChildWorker } from '../../support/childWorker';

export interface EngineChainsResult {
  executions: number;
  succeeded: number;
  /** Stage completions (the engine's transitions). */
  transitions: number;
  elapsedMs: number;
  transitionsPerSecond: number | null;
  /** Queue messages the engine handled during the run (its own counter). */
  messages: number;
  messagesPerSecond: number | null;
  /** next stage start_time − previous stage end_time, from the stored stage rows. */
  schedulingLatencyMs: Distribution | null;
  /** Statements and Redis commands per transition, from this process's clients. */
  perTransition: RoundTrips;
  cpu: CpuUsageReport;
  /** With child workers: the CPU seconds they used together (cpu.nodeSeconds is this process only). */
  workerCpuSeconds?: number;
}

/**
 * The cheapest real stage: evaluateVariables with no variables has one task that succeeds on its
 * first run, with no delay and no outputs (a `wait` of 0 s does the same work plus a parse of
 * waitTime, so it would only add noise).
 */
const NO_OP_STAGE = { type: 'evaluateVariables', variables: [] };

/**
 * (b) Gantry: `executions` runs of a `stages`-long linear no-op pipeline through the whole engine
 * (launch through the repository, StartExecution through the bus, the worker from startWorker).
 */
export async function runEngineChains(
  db: Database,
  queue: QueueBackendConfig,
  options: {
    executions: number;
    stages: number;
    concurrency: number;
    timeoutMs: number;
    /** Executions run before the measured ones, outside the measurement (3 unless said). */
    warmUpExecutions?: number;
    createBus?: (queue: QueueBackendConfig) => MessageBus;
    outbox?: boolean;
    /** Run the engine in this many worker processes (as `start:worker` runs it) instead of in this process. */
    childWorkers?: { count: number; databaseUrl: string };
  },
): Promise<EngineChainsResult> {
  const children: ChildWorker[] = [];
  for (let i = 0; i < (options.childWorkers?.count ?? 0); i++) children.push(await spawnWorker(options.childWorkers!.databaseUrl, queue));
  const workerCpu = () => children.reduce((sum, child) => sum + (child.cpuSeconds() ?? 0), 0);
  const gantry = await startBenchGantry({
    db,
    queue,
    worker: children.length === 0,
    concurrency: options.concurrency,
    createBus: options.createBus,
    outbox: options.outbox,
  });
  try {
    const pipelineId = await gantry.savePipeline({
      application: 'benchengine',
      // Runs share a database (the two designs alternate in it): one pipeline each.
      name: `no-op-chain-${Math.random().toString(36).slice(2, 10)}`,
      limitConcurrent: false,
      stages: linearStages(options.stages, () => NO_OP_STAGE),
    });
    // Warm-up: connections, prepared code paths and the JIT, outside the measured run.
    const warm = await launchAll(gantry, pipelineId, options.warmUpExecutions ?? 3);
    await gantry.bus.sendAll(warm.map((executionId) => ({ message: { type: 'StartExecution', executionId } })));
    await waitForFinished(db, warm, options.timeoutMs);

    // Creating the executions is not part of the throughput: only running them is.
    const ids = await launchAll(gantry, pipelineId, options.executions);
    const t0 = Date.now();
    const handledAtStart = await messagesHandled();
    const cpuAtStart = cpuSnapshot();
    const tripsAtStart = roundTripSnapshot();
    const workerCpuAtStart = workerCpu();
    await gantry.bus.sendAll(ids.map((executionId) => ({ message: { type: 'StartExecution', executionId } })));
    await waitForFinished(db, ids, options.timeoutMs);
    const cpu = cpuSince(cpuAtStart);
    const trips = roundTripSnapshot();
    const workerCpuSeconds = Math.round((workerCpu() - workerCpuAtStart) * 100) / 100;
    const messages = (await messagesHandled()) - handledAtStart;

    const { rows } = await db.pool.query<{ succeeded: number; transitions: number; last_end: Date | null }>(
      `SELECT (SELECT count(*)::int FROM executions WHERE id = ANY($1::uuid[]) AND status = 'SUCCEEDED') AS succeeded,
              (SELECT count(*)::int FROM stages WHERE execution_id = ANY($1::uuid[]) AND status = 'SUCCEEDED') AS transitions,
              (SELECT max(end_time) FROM executions WHERE id = ANY($1::uuid[])) AS last_end`,
      [ids],
    );
    const row = rows[0];
    // Both clocks are this process's: the worker stamps end_time with new Date().
    const elapsedMs = row?.last_end ? row.last_end.getTime() - t0 : Number.NaN;
    const transitions = row?.transitions ?? 0;
    return {
      executions: options.executions,
      succeeded: row?.succeeded ?? 0,
      transitions,
      elapsedMs,
      transitionsPerSecond: perSecond(transitions, elapsedMs),
      messages,
      messagesPerSecond: perSecond(messages, elapsedMs),
      schedulingLatencyMs: distribution(await schedulingLatencies(db, ids)),
      perTransition: roundTripsPerTransition(tripsAtStart, transitions, trips),
      cpu,
      ...(children.length === 0 ? {} : { workerCpuSeconds }),
    };
  } finally {
    await gantry.close();
    await Promise.all(children.map((child) => child.stop()));
  }
}

/** Messages the in-process worker handled, from the engine's own Prometheus counter. */
async function messagesHandled(): Promise<number> {
  const counter = register.getSingleMetric('gantry_engine_messages_total');
  if (!counter) return 0;
  const { values } = await counter.get();
  return values.reduce((sum, value) => sum + value.value, 0);
}

async function launchAll(gantry: BenchGantry, pipelineId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  // Launches of one pipeline serialise on its row lock, so a wide fan-out would only queue up.
  await forEachLimited(Array.from({ length: count }, (_, i) => i), 4, async () => {
    const launched = await gantry.executions.launch({ pipelineId, trigger: { type: 'bench' }, parameters: {} });
    ids.push(launched.value.id);
  });
  return ids;
}

async function waitForFinished(db: Database, ids: string[], timeoutMs: number): Promise<void> {
  await pollUntil(
    'engine executions',
    async () => {
      const { rows } = await db.pool.query<{ finished: number }>(
        `SELECT count(*)::int AS finished FROM executions WHERE id = ANY($1::uuid[]) AND status NOT IN ('NOT_STARTED', 'RUNNING', 'PAUSED')`,
        [ids],
      );
      const finished = rows[0]?.finished ?? 0;
      return { done: finished === ids.length, progress: `${finished} of ${ids.length} executions finished` };
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** For every stage with a prerequisite: how long after that prerequisite ended did it start. */
async function schedulingLatencies(db: Database, ids: string[]): Promise<number[]> {
  const { rows } = await db.pool.query<{ latency_ms: number }>(
    `SELECT (extract(epoch FROM (next.start_time - prev.end_time)) * 1000)::float8 AS latency_ms
       FROM stages next
       JOIN stages prev ON prev.execution_id = next.execution_id AND prev.ref_id = ANY(next.requisite_stage_ref_ids)
      WHERE next.execution_id = ANY($1::uuid[]) AND next.start_time IS NOT NULL AND prev.end_time IS NOT NULL`,
    [ids],
  );
  return rows.map((row) => row.latency_ms);
}

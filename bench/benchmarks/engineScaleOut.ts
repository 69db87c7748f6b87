import { createBenchDatabase } from '../lib/database';
import { WORKER_CONCURRENCY } from '../lib/gantry';
import { benchQueue } from '../lib/queues';
import type { Benchmark } from '../lib/result';
import { round } from '../lib/stats';
import { runEngineChains, type EngineChainsResult } from './engineVsBullmq/engineChains';

/**
 * Issue 23's scale-out figure: engine-vs-bullmq's no-op chains run by 1, 2 and 4 worker processes
 * (each as `start:worker` runs it, concurrency 20) against one PostgreSQL and one Redis. With the
 * CPU each side used per transition, it shows where the ceiling moves as workers are added: while
 * the workers' CPU per transition stays flat and PostgreSQL's grows to fill the cores, PostgreSQL
 * is the limit; on a 2-core machine, more workers mostly add contention.
 */
export const engineScaleOut: Benchmark = {
  name: 'engine-scale-out',
  description: 'no-op chains through the engine in 1, 2 and 4 worker processes against one PostgreSQL and one Redis',
  async run(options) {
    const params = {
      backend: 'redis' as const,
      workerCounts: options.quick ? [1, 2] : [1, 2, 4],
      // Enough chains to keep 4 × 20 handler slots busy.
      chains: options.quick ? 10 : 80,
      stagesPerChain: options.quick ? 5 : 10,
      concurrencyPerWorker: WORKER_CONCURRENCY,
      phaseTimeoutMs: options.quick ? 60_000 : 180_000,
    };
    const database = await createBenchDatabase();
    const runs: { workers: number; result: EngineChainsResult }[] = [];
    try {
      for (const workers of params.workerCounts) {
        options.log(`engine-scale-out: ${workers} worker process(es), ${params.chains} executions × ${params.stagesPerChain} stages`);
        const queue = benchQueue(params.backend, database.url, `scale${workers}`);
        try {
          const result = await runEngineChains(database.db, queue.config, {
            executions: params.chains,
            stages: params.stagesPerChain,
            concurrency: params.concurrencyPerWorker,
            timeoutMs: params.phaseTimeoutMs,
            childWorkers: { count: workers, databaseUrl: database.url },
          });
          runs.push({ workers, result });
        } finally {
          await queue.cleanup().catch(() => undefined);
        }
      }
    } finally {
      await database.drop();
    }
    const perTransitionMs = (seconds: number | null | undefined, transitions: number) =>
      seconds === null || seconds === undefined || transitions === 0 ? null : round((seconds * 1000) / transitions, 2);
    const results = runs.map(({ workers, result }) => ({
      workers,
      transitionsPerSecond: result.transitionsPerSecond,
      succeeded: result.succeeded,
      executions: result.executions,
      schedulingLatencyMs: result.schedulingLatencyMs,
      cpu: result.cpu,
      workerCpuSeconds: result.workerCpuSeconds ?? null,
      cpuMsPerTransition: {
        workers: perTransitionMs(result.workerCpuSeconds, result.transitions),
        postgres: perTransitionMs(result.cpu.postgresSeconds, result.transitions),
        redis: perTransitionMs(result.cpu.redisSeconds, result.transitions),
        machine: perTransitionMs(result.cpu.machineBusySeconds, result.transitions),
      },
    }));
    const summary = results.map((run): [string, string] => [
      `${run.workers} worker(s): transitions/s; CPU ms per transition workers / postgres / redis / machine`,
      `${run.transitionsPerSecond}; ${run.cpuMsPerTransition.workers} / ${run.cpuMsPerTransition.postgres} / ${run.cpuMsPerTransition.redis} / ${run.cpuMsPerTransition.machine}`,
    ]);
    return { status: 'ok', params, results: { runs: results }, targets: [], summary };
  },
};

import type { AddressInfo } from 'node:net';
import { cpuSince, cpuSnapshot } from '../../lib/cpu';
import { createBenchDatabase } from '../../lib/database';
import { startBenchGantry } from '../../lib/gantry';
import { benchQueue } from '../../lib/queues';
import { target, type Benchmark, type BenchOptions } from '../../lib/result';
import { round } from '../../lib/stats';
import { sleep } from '../../lib/time';
import { spawnWorker, type ChildWorker, type ProcessMemory } from '../../support/childWorker';
import { judgeAll, launchMany, totalPolls, probeLatency, waitUntilParked, waitUntilStatus } from './phases';

const WAITING_APP = 'benchwait';
const OTHER_APP = 'benchother';

/**
 * Many executions parked in a manualJudgment stage at once (a release train waiting for sign-off):
 * how long they take to create, how the execution list answers with them in the table, what the
 * worker's memory does, and how long resuming them all takes.
 */
export const waitingScale: Benchmark = {
  name: 'waiting-scale',
  description: 'N executions parked in manualJudgment: create time, list latency, worker RSS, time to resume all',
  async run(options: BenchOptions) {
    const executions = options.quick ? 200 : 10_000;
    const params = {
      backend: 'redis' as const,
      executions,
      pipelines: options.quick ? 4 : 20,
      // Finished executions of another application, so the list filters have rows to skip.
      otherExecutions: Math.round(executions / 20),
      launchWidth: 8,
      judgeWidth: 8,
      listRequests: options.quick ? 50 : 200,
      variantRequests: options.quick ? 10 : 50,
      phaseTimeoutMs: options.quick ? 60_000 : 240_000,
      // One JUDGMENT_POLL_MS period, so every parked task polls once inside the window (quick: 0).
      parkedWindowSeconds: options.quick ? 0 : 30,
    };
    const database = await createBenchDatabase();
    const queue = benchQueue(params.backend, database.url, 'waiting');
    const gantry = await startBenchGantry({ db: database.db, queue: queue.config, worker: false });
    let worker: ChildWorker | undefined;
    const memory: Record<string, ProcessMemory | null> = {};
    let sampler: NodeJS.Timeout | undefined;
    let maxSampledRssMb = 0;
    try {
      worker = await spawnWorker(database.url, queue.config);
      const child = worker;
      await sleep(500); // let the worker settle and send its first memory report
      memory.idle = child.memory();
      const idleBreakdown = child.breakdown().latest;
      sampler = setInterval(() => {
        maxSampledRssMb = Math.max(maxSampledRssMb, child.memory()?.rssMb ?? 0);
      }, 250);

      await gantry.api.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}/api/v1`;
      const pipelineIds = await Promise.all(
        Array.from({ length: params.pipelines }, (_, i) =>
          gantry.savePipeline({
            application: WAITING_APP,
            name: `release-${i}`,
            limitConcurrent: false,
            stages: [{ refId: 'judge', type: 'manualJudgment', instructions: 'ship it?', judgmentInputs: [] }],
          }),
        ),
      );
      const otherPipeline = await gantry.savePipeline({
        application: OTHER_APP,
        name: 'done',
        limitConcurrent: false,
        stages: [{ refId: 'vars', type: 'evaluateVariables', variables: [{ key: 'x', value: 1 }] }],
      });
      options.log(`waiting-scale: ${params.otherExecutions} finished executions of another application`);
      await launchMany(gantry, [otherPipeline], params.otherExecutions, params.launchWidth);
      await waitUntilStatus(database.db.pool, OTHER_APP, 'SUCCEEDED', params.otherExecutions, params.phaseTimeoutMs);

      options.log(`waiting-scale: creating ${executions} executions parked in manualJudgment`);
      const createCpu = cpuSnapshot();
      const t0 = performance.now();
      const ids = await launchMany(gantry, pipelineIds, executions, params.launchWidth);
      const launchedSeconds = (performance.now() - t0) / 1000;
      await waitUntilParked(database.db.pool, WAITING_APP, executions, params.phaseTimeoutMs);
      const parkedSeconds = (performance.now() - t0) / 1000;
      const create = {
        launchedSeconds: round(launchedSeconds),
        parkedSeconds: round(parkedSeconds),
        executionsPerSecond: round(executions / parkedSeconds, 1),
        cpu: cpuSince(createCpu),
      };
      memory.parked = child.memory();

      options.log(`waiting-scale: list latency with ${executions} waiting (${params.listRequests} requests)`);
      const idleCpu = cpuSnapshot();
      const workerCpuBefore = child.cpuSeconds();
      const pollsBefore = await totalPolls(database.db.pool);
      const windowEnd = performance.now() + params.parkedWindowSeconds * 1000;
      const primary = await probeLatency(gantry.headers, `${base}/executions?status=RUNNING&application=${WAITING_APP}&limit=50`, params.listRequests);
      const firstPage = (await (await fetch(`${base}/executions?status=RUNNING&application=${WAITING_APP}&limit=50`, { headers: gantry.headers })).json()) as {
        nextCursor?: string | null;
      };
      const variants = {
        applicationOnly: await probeLatency(gantry.headers, `${base}/executions?application=${WAITING_APP}&limit=50`, params.variantRequests),
        statusOnly: await probeLatency(gantry.headers, `${base}/executions?status=RUNNING&limit=50`, params.variantRequests),
        pipelineAndStatus: await probeLatency(gantry.headers, 
          `${base}/executions?pipelineId=${pipelineIds[0]}&status=RUNNING&limit=50`,
          params.variantRequests,
        ),
        secondPage: await probeLatency(gantry.headers, 
          `${base}/executions?status=RUNNING&application=${WAITING_APP}&limit=50&cursor=${firstPage.nextCursor ?? ''}`,
          params.variantRequests,
        ),
        otherApplicationSucceeded: await probeLatency(gantry.headers, `${base}/executions?status=SUCCEEDED&application=${OTHER_APP}&limit=50`, params.variantRequests),
      };
      await sleep(windowEnd - performance.now());
      const parkedCpu = cpuSince(idleCpu);
      const workerCpuAfter = child.cpuSeconds();
      const pollsPerSecond = round(((await totalPolls(database.db.pool)) - pollsBefore) / parkedCpu.wallSeconds, 1);
      // While parked the worker only polls each judgment task (JUDGMENT_POLL_MS): that is its idle cost.
      const workerCpuWhileParked =
        workerCpuBefore === null || workerCpuAfter === null ? null : round((workerCpuAfter - workerCpuBefore) / parkedCpu.wallSeconds, 3);
      memory.afterList = child.memory();

      options.log(`waiting-scale: judging all ${executions} "continue" and waiting for SUCCEEDED`);
      const resumeCpu = cpuSnapshot();
      const t1 = performance.now();
      const conflicts = await judgeAll(gantry, ids, params.judgeWidth);
      const judgedSeconds = (performance.now() - t1) / 1000;
      await waitUntilStatus(database.db.pool, WAITING_APP, 'SUCCEEDED', executions, params.phaseTimeoutMs);
      const resumedSeconds = (performance.now() - t1) / 1000;
      const resume = {
        judgedSeconds: round(judgedSeconds),
        succeededSeconds: round(resumedSeconds),
        executionsPerSecond: round(executions / resumedSeconds, 1),
        judgeConflicts: conflicts,
        cpu: cpuSince(resumeCpu),
      };
      memory.resumed = child.memory();
      clearInterval(sampler);

      const peakRssMb = Math.max(maxSampledRssMb, memory.resumed?.peakRssMb ?? 0);
      // What the RSS was made of when idle and at its highest (V8 heap vs buffers vs code/native).
      const workerMemory = { ...memory, maxSampledRssMb, peakRssMb, breakdown: { idle: idleBreakdown, ...child.breakdown() } };
      const results = {
        create,
        list: { primary, ...variants },
        parked: { workerCpuCoresWhileParked: workerCpuWhileParked, judgmentPollsPerSecond: pollsPerSecond, cpu: parkedCpu },
        resume,
        workerMemory,
      };
      const targets = [
        target(`${executions} waiting: list p99`, primary.latencyMs?.p99 ?? null, '<=', 50, 'ms'),
        target(`${executions} waiting: worker peak RSS`, peakRssMb || null, '<=', 300, 'MB'),
      ];
      const summary: Array<[string, string]> = [
        ['create (launch + start) until parked', `${create.parkedSeconds} s (${create.executionsPerSecond} executions/s)`],
        ['list status+application p50 / p99', `${primary.latencyMs?.p50 ?? '-'} / ${primary.latencyMs?.p99 ?? '-'} ms`],
        ['list second page p50 / p99', `${variants.secondPage.latencyMs?.p50 ?? '-'} / ${variants.secondPage.latencyMs?.p99 ?? '-'} ms`],
        ['worker RSS idle / parked / peak', `${memory.idle?.rssMb ?? '-'} / ${memory.parked?.rssMb ?? '-'} / ${peakRssMb} MB`],
        ['worker CPU while parked (polling)', `${workerCpuWhileParked ?? '-'} cores, ${pollsPerSecond} polls/s`],
        ['resume all until SUCCEEDED', `${resume.succeededSeconds} s (${resume.executionsPerSecond} executions/s)`],
      ];
      return { status: 'ok', params, results, targets, summary };
    } finally {
      clearInterval(sampler);
      await worker?.stop();
      await gantry.close();
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
  },
};

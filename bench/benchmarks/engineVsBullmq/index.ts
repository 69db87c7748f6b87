import { createBenchDatabase } from '../../lib/database';
import { WORKER_CONCURRENCY } from '../../lib/gantry';
import { BACKENDS, benchQueue, type BackendKind } from '../../lib/queues';
import { target, type Benchmark, type BenchOptions, type Target } from '../../lib/result';
import type { CpuUsageReport } from '../../lib/cpu';
import { round } from '../../lib/stats';
import { runEngineChains, type EngineChainsResult } from './engineChains';
import { runLimitChains, type LimitChainsResult } from './limitChains';
import { runRawChains, type RawChainsResult } from './rawChains';
import { installRoundTripCounter, type RoundTrips } from '../../lib/roundTrips';

interface BackendResult {
  raw: RawChainsResult;
  /** The engine as it ships: follow-ups recorded in the transactional outbox (median run). */
  engine: EngineChainsResult;
  /** The design the outbox replaced: follow-ups sent after commit, nothing recorded (median run). */
  engineWithoutOutbox: EngineChainsResult;
  /** Transitions/s of each run, in the order they ran (the two designs alternate). */
  engineRuns: { outbox: boolean; transitionsPerSecond: number | null }[];
  /** 1 − engine ÷ engineWithoutOutbox transitions/s: what the outbox costs. */
  outboxCost: number | null;
  /** engine transitions/s ÷ raw BullMQ jobs/s. */
  ratio: number | null;
  /** The durable-commit limit (limitChains.ts), median run; its runs alternate with the engine's. */
  limit: LimitChainsResult;
  limitRuns: (number | null)[];
  /** engine transitions/s ÷ limit transitions/s. */
  limitRatio: number | null;
  /** Where a transition's time goes, engine and limit side by side: CPU ms and round trips per transition. */
  perTransition: { engine: TransitionCost; limit: TransitionCost };
}

interface TransitionCost {
  nodeCpuMs: number;
  postgresCpuMs: number | null;
  redisCpuMs: number | null;
  engineStatements: number;
  engineRoundTrips: number;
  queueStatements: number;
  redisCommands: number;
}

export const engineVsBullmq: Benchmark = {
  name: 'engine-vs-bullmq',
  description: 'M chains of K no-op steps: raw BullMQ jobs vs Gantry stages through the full engine, on both queue backends',
  async run(options: BenchOptions) {
    const params = {
      stagesPerChain: options.quick ? 5 : 20,
      chains: options.quick ? 5 : 50,
      concurrency: WORKER_CONCURRENCY,
      backends: BACKENDS,
      phaseTimeoutMs: options.quick ? 60_000 : 120_000,
      rawRepetitions: options.quick ? 1 : 3,
      // Five, not three: each design's first run meets a cold JIT (today 25–35 % below its others,
      // the limit's as much as the engine's), so with three a single noisy run decided the median.
      engineRepetitionsPerDesign: options.quick ? 1 : 5,
    };
    installRoundTripCounter();
    const results: Partial<Record<BackendKind, BackendResult>> = {};
    for (const backend of BACKENDS) {
      options.log(`engine-vs-bullmq: ${backend} backend, raw BullMQ (${params.chains} chains × ${params.stagesPerChain} jobs)`);
      results[backend] = await measureBackend(backend, params, options);
    }

    const targets: Target[] = [];
    const summary: Array<[string, string]> = [];
    for (const backend of BACKENDS) {
      const result = results[backend];
      if (!result) continue;
      targets.push(
        target(`${backend}: engine/raw throughput ratio`, result.ratio, '>=', 0.25),
        target(`${backend}: engine/limit throughput ratio`, result.limitRatio, '>=', 0.5),
        target(`${backend}: engine transitions/s`, result.engine.transitionsPerSecond, '>=', 500),
        target(`${backend}: p99 scheduling latency`, result.engine.schedulingLatencyMs?.p99 ?? null, '<=', 50, 'ms'),
        target(`${backend}: outbox cost in transitions/s`, result.outboxCost === null ? null : round(result.outboxCost * 100, 1), '<=', 20, '%'),
      );
      summary.push(
        [`${backend} raw BullMQ jobs/s`, String(result.raw.jobsPerSecond)],
        [`${backend} engine transitions/s`, String(result.engine.transitionsPerSecond)],
        [`${backend} engine transitions/s without the outbox (previous design)`, String(result.engineWithoutOutbox.transitionsPerSecond)],
        [`${backend} outbox cost`, result.outboxCost === null ? '-' : `${round(result.outboxCost * 100, 1)} %`],
        [`${backend} engine messages/s`, String(result.engine.messagesPerSecond)],
        [`${backend} ratio engine/raw`, String(result.ratio)],
        [`${backend} durable-commit limit transitions/s`, String(result.limit.transitionsPerSecond)],
        [`${backend} ratio engine/limit`, String(result.limitRatio)],
        [`${backend} engine per transition`, costLine(result.perTransition.engine)],
        [`${backend} limit per transition`, costLine(result.perTransition.limit)],
        [
          `${backend} scheduling latency p50 / p99`,
          `${result.engine.schedulingLatencyMs?.p50 ?? '-'} / ${result.engine.schedulingLatencyMs?.p99 ?? '-'} ms`,
        ],
        [`${backend} engine CPU s node / postgres / redis / machine`, cpuLine(result.engine.cpu)],
        [
          `${backend} raw hand-off latency p50 / p99`,
          `${result.raw.handoffLatencyMs?.p50 ?? '-'} / ${result.raw.handoffLatencyMs?.p99 ?? '-'} ms`,
        ],
      );
    }
    return { status: 'ok', params, results, targets, summary };
  },
};

async function measureBackend(
  backend: BackendKind,
  params: {
    stagesPerChain: number;
    chains: number;
    concurrency: number;
    phaseTimeoutMs: number;
    rawRepetitions: number;
    engineRepetitionsPerDesign: number;
  },
  options: BenchOptions,
): Promise<BackendResult> {
  // One database per backend, so the second run's rows never sit in the first one's tables.
  const database = await createBenchDatabase();
  const rawQueue = benchQueue(backend, database.url, 'raw');
  const engineQueue = benchQueue(backend, database.url, 'engine');
  const limitQueue = benchQueue(backend, database.url, 'limit');
  try {
    const raw = await runRawChains(rawQueue.config, {
      chains: params.chains,
      length: params.stagesPerChain,
      concurrency: params.concurrency,
      timeoutMs: params.phaseTimeoutMs,
      repetitions: params.rawRepetitions,
    });
    options.log(`engine-vs-bullmq: ${backend} backend, Gantry engine (${params.chains} executions × ${params.stagesPerChain} stages)`);
    // Both designs in one run, alternating, so that a change in machine load hits both alike.
    const runs: { outbox: boolean; result: EngineChainsResult }[] = [];
    const limits: LimitChainsResult[] = [];
    for (let repetition = 0; repetition < params.engineRepetitionsPerDesign; repetition++) {
      limits.push(
        await runLimitChains(database.db, limitQueue.config, {
          executions: params.chains,
          stages: params.stagesPerChain,
          concurrency: params.concurrency,
          timeoutMs: params.phaseTimeoutMs,
        }),
      );
      for (const outbox of [false, true]) {
        const result = await runEngineChains(database.db, engineQueue.config, {
          executions: params.chains,
          stages: params.stagesPerChain,
          concurrency: params.concurrency,
          timeoutMs: params.phaseTimeoutMs,
          outbox,
        });
        runs.push({ outbox, result });
      }
    }
    const engine = medianRun(runs.filter((run) => run.outbox).map((run) => run.result));
    const engineWithoutOutbox = medianRun(runs.filter((run) => !run.outbox).map((run) => run.result));
    const ratio =
      raw.jobsPerSecond && engine.transitionsPerSecond !== null ? round(engine.transitionsPerSecond / raw.jobsPerSecond, 3) : null;
    const outboxCost =
      engine.transitionsPerSecond !== null && engineWithoutOutbox.transitionsPerSecond
        ? round(1 - engine.transitionsPerSecond / engineWithoutOutbox.transitionsPerSecond, 3)
        : null;
    const engineRuns = runs.map((run) => ({ outbox: run.outbox, transitionsPerSecond: run.result.transitionsPerSecond }));
    const limit = [...limits].sort((a, b) => (a.transitionsPerSecond ?? 0) - (b.transitionsPerSecond ?? 0))[Math.floor((limits.length - 1) / 2)]!;
    const limitRatio =
      limit.transitionsPerSecond && engine.transitionsPerSecond !== null ? round(engine.transitionsPerSecond / limit.transitionsPerSecond, 3) : null;
    return {
      raw,
      engine,
      engineWithoutOutbox,
      engineRuns,
      outboxCost,
      ratio,
      limit,
      limitRuns: limits.map((run) => run.transitionsPerSecond),
      limitRatio,
      perTransition: { engine: transitionCost(engine.cpu, engine.transitions, engine.perTransition), limit: transitionCost(limit.cpu, limit.transitions, limit.perTransition) },
    };
  } finally {
    await rawQueue.cleanup().catch(() => undefined);
    await engineQueue.cleanup().catch(() => undefined);
    await limitQueue.cleanup().catch(() => undefined);
    await database.drop();
  }
}

/** The run with the median transitions/s (the lower middle one for an even count). */
function medianRun(runs: EngineChainsResult[]): EngineChainsResult {
  const sorted = [...runs].sort((a, b) => (a.transitionsPerSecond ?? 0) - (b.transitionsPerSecond ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function transitionCost(cpu: CpuUsageReport, transitions: number, trips: RoundTrips): TransitionCost {
  const ms = (seconds: number | null) => (seconds === null || transitions === 0 ? null : round((seconds * 1000) / transitions, 3));
  return { nodeCpuMs: ms(cpu.nodeSeconds) ?? 0, postgresCpuMs: ms(cpu.postgresSeconds), redisCpuMs: ms(cpu.redisSeconds), ...trips };
}

function costLine(cost: TransitionCost): string {
  return `CPU ms node ${cost.nodeCpuMs} / postgres ${cost.postgresCpuMs ?? '-'} / redis ${cost.redisCpuMs ?? '-'}; statements engine ${cost.engineStatements} (${cost.engineRoundTrips} round trips) + queue ${cost.queueStatements}; redis commands ${cost.redisCommands}`;
}

function cpuLine(cpu: CpuUsageReport): string {
  return `${cpu.nodeSeconds} / ${cpu.postgresSeconds ?? '-'} / ${cpu.redisSeconds ?? '-'} / ${cpu.machineBusySeconds ?? '-'} in ${cpu.wallSeconds} s`;
}

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startTracing } from '@gantry/telemetry';
import { createBenchDatabase } from '../lib/database';
import { WORKER_CONCURRENCY } from '../lib/gantry';
import { benchQueue } from '../lib/queues';
import { target, type Benchmark, type BenchOptions } from '../lib/result';
import { round } from '../lib/stats';
import { runEngineChains } from './engineVsBullmq/engineChains';

/** engine-vs-bullmq's last stored result: the engine before tracing's hooks, measured on this machine at its commit. */
const BEFORE = fileURLToPath(new URL('../results/engine-vs-bullmq.json', import.meta.url));

/**
 * What tracing costs the engine: the same no-op chains as engine-vs-bullmq (Redis backend, the
 * engine in this process), with tracing off and with tracing on, exporting every span over
 * OTLP/HTTP (protobuf, the SDK's default) to a collector stand-in in this process that reads and
 * discards. The two alternate in one run, so a change in machine load hits both alike.
 */
export const tracingOverhead: Benchmark = {
  name: 'tracing-overhead',
  description: 'engine transitions/s with tracing off and on (OTLP/HTTP), alternating in one run; off compared with engine-vs-bullmq before tracing',
  async run(options: BenchOptions) {
    const params = {
      stagesPerChain: options.quick ? 5 : 20,
      chains: options.quick ? 5 : 50,
      concurrency: WORKER_CONCURRENCY,
      repetitionsPerMode: options.quick ? 1 : 3,
      phaseTimeoutMs: options.quick ? 60_000 : 120_000,
      backend: 'redis' as const,
    };
    let exportRequests = 0;
    const collector = createServer((request, response) => {
      request.on('data', () => undefined);
      request.on('end', () => {
        exportRequests++;
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}/v1/traces`;
    // The SDK reads the standard variables from the environment, as a Gantry process does.
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = endpoint;
    const tracing = startTracing('gantry-bench');
    const database = await createBenchDatabase();
    const queue = benchQueue(params.backend, database.url, 'tracing');
    const runs: { tracing: boolean; transitionsPerSecond: number | null }[] = [];
    try {
      for (let repetition = 0; repetition < params.repetitionsPerMode; repetition++) {
        for (const on of [false, true]) {
          tracing.setActive(on);
          options.log(`tracing-overhead: tracing ${on ? 'on (OTLP/HTTP)' : 'off'}, run ${repetition + 1} of ${params.repetitionsPerMode}`);
          const result = await runEngineChains(database.db, queue.config, {
            executions: params.chains,
            stages: params.stagesPerChain,
            concurrency: params.concurrency,
            timeoutMs: params.phaseTimeoutMs,
          });
          runs.push({ tracing: on, transitionsPerSecond: result.transitionsPerSecond });
        }
      }
    } finally {
      tracing.setActive(true);
      await tracing.shutdown();
      // Later benchmarks' child processes must not trace to this closed collector.
      delete process.env.OTEL_TRACES_EXPORTER;
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      await new Promise((resolve) => collector.close(resolve));
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
    const off = median(runs.filter((run) => !run.tracing).map((run) => run.transitionsPerSecond));
    const on = median(runs.filter((run) => run.tracing).map((run) => run.transitionsPerSecond));
    const onCost = off && on !== null ? round(1 - on / off, 3) : null;
    const before = readBefore(params);
    const offVsBefore = before && off !== null ? round(off / before.transitionsPerSecond, 3) : null;
    return {
      status: 'ok',
      params,
      results: { runs, offTransitionsPerSecond: off, onTransitionsPerSecond: on, onCost, exportRequests: exportRequests, before, offVsBefore },
      targets: [
        target('tracing on (OTLP) cost in transitions/s', onCost === null ? null : round(onCost * 100, 1), '<=', 15, '%'),
        target('tracing off ÷ before tracing (stored engine-vs-bullmq, redis)', offVsBefore, '>=', 0.9),
      ],
      summary: [
        ['engine transitions/s, tracing off (median)', String(off)],
        ['engine transitions/s, tracing on, OTLP/HTTP (median)', String(on)],
        ['tracing on cost', onCost === null ? '-' : `${round(onCost * 100, 1)} %`],
        ['OTLP export requests received', String(exportRequests)],
        ['before tracing (stored engine-vs-bullmq, redis)', before ? `${before.transitionsPerSecond} at ${before.commit.slice(0, 8)}` : '- (not comparable)'],
        ['tracing off ÷ before', String(offVsBefore ?? '-')],
      ],
    };
  },
};

function median(values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : known[Math.floor((known.length - 1) / 2)]!;
}

/** The stored engine-vs-bullmq engine figure, if it ran the same size (a quick run compares with nothing). */
function readBefore(params: { stagesPerChain: number; chains: number }): { transitionsPerSecond: number; commit: string } | null {
  try {
    const stored = JSON.parse(readFileSync(BEFORE, 'utf8')) as {
      commit: string;
      params: { stagesPerChain: number; chains: number };
      results: { redis?: { engine?: { transitionsPerSecond?: number | null } } };
    };
    const value = stored.results.redis?.engine?.transitionsPerSecond;
    if (stored.params.stagesPerChain !== params.stagesPerChain || stored.params.chains !== params.chains || typeof value !== 'number') return null;
    return { transitionsPerSecond: value, commit: stored.commit };
  } catch {
    return null;
  }
}

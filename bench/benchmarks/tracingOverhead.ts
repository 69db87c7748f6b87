import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase } from '../lib/database';
import { WORKER_CONCURRENCY } from '../lib/gantry';
import { benchQueue } from '../lib/queues';
import { target, type Benchmark, type BenchOptions } from '../lib/result';
import { round } from '../lib/stats';
import { TRACING_MODES, tracingRoundResultSchema, type TracingMode, type TracingRoundResult, type TracingRoundSpec } from '../support/tracingRoundSpec';

const ROUND = fileURLToPath(new URL('../support/tracingRound.ts', import.meta.url));

/**
 * What tracing costs the engine: the no-op chains of engine-vs-bullmq (Redis backend, the engine
 * in the round's process; four times as many executions, after a warm-up), in three modes, each round a fresh process (`tracingRound.ts`):
 * before (the SDK never started), off (started, wrappers switched off) and on (every span
 * exported over OTLP/HTTP, protobuf, to a collector stand-in in this process that reads and
 * discards). Rounds alternate the modes, rotating their order, so a change in machine load hits
 * all alike; the spread between rounds of one mode is the noise the off-vs-before gap is read against.
 */
export const tracingOverhead: Benchmark = {
  name: 'tracing-overhead',
  description: 'engine transitions/s before tracing (SDK not started), tracing off and tracing on (OTLP/HTTP), alternating rounds in one run',
  async run(options: BenchOptions) {
    const params = {
      stagesPerChain: options.quick ? 5 : 20,
      // 4,000 transitions measured a round, four times engine-vs-bullmq's, after 2,000 not measured:
      // a round is a fresh process, and its first thousands of transitions run code the compiler
      // is still optimizing (tracing's more than the rest: the SDK's and the exporter's), which
      // measured the compiler's work as tracing's cost. A server runs warm.
      chains: options.quick ? 5 : 200,
      warmUpChains: options.quick ? 3 : 100,
      concurrency: WORKER_CONCURRENCY,
      rounds: options.quick ? 1 : 6,
      phaseTimeoutMs: options.quick ? 60_000 : 180_000,
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
    const database = await createBenchDatabase();
    const queue = benchQueue(params.backend, database.url, 'tracing');
    if (queue.config.kind !== 'redis') throw new Error('tracing-overhead runs on the Redis backend');
    const runs: { round: number; mode: TracingMode; transitionsPerSecond: number | null; cpuMsPerTransition: number }[] = [];
    try {
      for (let r = 0; r < params.rounds; r++) {
        // Rotated per round: no mode always runs first (colder caches) or last.
        const order = TRACING_MODES.map((_, i) => TRACING_MODES[(i + r) % TRACING_MODES.length]!);
        for (const mode of order) {
          options.log(`tracing-overhead: round ${r + 1} of ${params.rounds}, ${mode}`);
          const result = await runRound({
            mode,
            databaseUrl: database.url,
            queue: queue.config,
            endpoint,
            executions: params.chains,
            warmUpExecutions: params.warmUpChains,
            stages: params.stagesPerChain,
            concurrency: params.concurrency,
            timeoutMs: params.phaseTimeoutMs,
          });
          if (result.succeeded !== params.chains) throw new Error(`${mode} round ${r + 1}: ${result.succeeded} of ${params.chains} executions succeeded`);
          runs.push({ round: r + 1, mode, transitionsPerSecond: result.transitionsPerSecond, cpuMsPerTransition: result.cpuMsPerTransition });
        }
      }
    } finally {
      await new Promise((resolve) => collector.close(resolve));
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
    const of = (mode: TracingMode) => runs.filter((run) => run.mode === mode).map((run) => run.transitionsPerSecond);
    const [before, off, on] = [median(of('before')), median(of('off')), median(of('on'))];
    const offVsBefore = before && off !== null ? round(off / before, 3) : null;
    const onCost = off && on !== null ? round(1 - on / off, 3) : null;
    // What tracing costs in CPU, which other processes' load on the cores sways less than throughput.
    const cpuOf = (mode: TracingMode) => median(runs.filter((run) => run.mode === mode).map((run) => run.cpuMsPerTransition));
    const [cpuBefore, cpuOff, cpuOn] = [cpuOf('before'), cpuOf('off'), cpuOf('on')];
    const onCpuCost = cpuOff && cpuOn !== null ? round(cpuOn / cpuOff - 1, 3) : null;
    // The noise: how far one round of a mode strays from that mode's median, the largest seen
    // over the modes whose code path is the same (before and off).
    const noise = round(Math.max(spread(of('before')), spread(of('off'))), 3);
    const offGap = offVsBefore === null ? null : round(Math.abs(1 - offVsBefore), 3);
    return {
      status: 'ok',
      params,
      results: {
        runs,
        beforeTransitionsPerSecond: before,
        offTransitionsPerSecond: off,
        onTransitionsPerSecond: on,
        offVsBefore,
        offGap,
        noise,
        onCost,
        cpuMsPerTransition: { before: cpuBefore, off: cpuOff, on: cpuOn },
        onCpuCost,
        exportRequests,
      },
      targets: [
        target('tracing off vs before: |1 − off ÷ before| within the round-to-round noise', offGap === null ? null : round(offGap * 100, 1), '<=', round(noise * 100, 1), '%'),
        target('tracing on (OTLP) cost in transitions/s vs off', onCost === null ? null : round(onCost * 100, 1), '<=', 15, '%'),
      ],
      summary: [
        ['engine transitions/s, before: SDK not started (median)', String(before)],
        ['engine transitions/s, tracing off (median)', String(off)],
        ['engine transitions/s, tracing on, OTLP/HTTP (median)', String(on)],
        ['off ÷ before', String(offVsBefore ?? '-')],
        ['noise: largest round-to-round deviation from its median (before, off)', `${round(noise * 100, 1)} %`],
        ['tracing on cost vs off', onCost === null ? '-' : `${round(onCost * 100, 1)} %`],
        ['CPU ms per transition of the round process, before / off / on (medians)', `${cpuBefore} / ${cpuOff} / ${cpuOn}`],
        ['tracing on CPU per transition vs off', onCpuCost === null ? '-' : `+${round(onCpuCost * 100, 1)} %`],
        ['OTLP export requests received', String(exportRequests)],
      ],
    };
  },
};

/** Runs one round in its own process (bounded by the phase timeout and a minute to start). */
function runRound(spec: TracingRoundSpec): Promise<TracingRoundResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // Only the round decides whether it traces.
    for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', ROUND, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs * 2 + 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`tracing round (${spec.mode}) exited with ${code ?? signal}: ${stderr.trim().slice(-2000)}`));
      try {
        resolve(tracingRoundResultSchema.parse(JSON.parse(stdout.trim().split('\n').pop() ?? '')));
      } catch (error) {
        reject(new Error(`tracing round (${spec.mode}) answered something unreadable: ${(error as Error).message}: ${stdout.slice(-500)}`));
      }
    });
  });
}

function median(values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : known[Math.floor((known.length - 1) / 2)]!;
}

/** The largest relative deviation of one value from the median of its set (0 with fewer than two). */
function spread(values: (number | null)[]): number {
  const middle = median(values);
  const known = values.filter((value): value is number => value !== null);
  if (middle === null || middle === 0 || known.length < 2) return 0;
  return Math.max(...known.map((value) => Math.abs(value - middle) / middle));
}

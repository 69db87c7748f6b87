import { connectDatabase } from '@gantry/store';
import { startTracing } from '@gantry/telemetry';
import { runEngineChains } from '../benchmarks/engineVsBullmq/engineChains';
import { round } from '../lib/stats';
import { tracingRoundSchema } from './tracingRoundSpec';

/**
 * One round of tracing-overhead in a process of its own, so that "before" is a process in which
 * the OpenTelemetry SDK never started (no global tracer, context manager or propagator
 * registered), as in a Gantry process whose environment configures no exporter:
 * - before: the SDK not started;
 * - off: the SDK started, the span wrappers switched off (`setActive(false)`);
 * - on: every span exported over OTLP/HTTP to `endpoint`.
 * Prints its result as the last line of stdout.
 */
const spec = tracingRoundSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

if (spec.mode !== 'before') {
  // The SDK reads the standard variables from the environment, as a Gantry process does.
  process.env.OTEL_TRACES_EXPORTER = 'otlp';
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = spec.endpoint;
}
const tracing = spec.mode === 'before' ? undefined : await startTracing('gantry-bench');
if (spec.mode === 'before' && tracing !== undefined) throw new Error('the SDK started in the "before" round');
tracing?.setActive(spec.mode === 'on');
const db = connectDatabase(spec.databaseUrl, { max: 10 });
try {
  const result = await runEngineChains(db, spec.queue, {
    executions: spec.executions,
    warmUpExecutions: spec.warmUpExecutions,
    stages: spec.stages,
    concurrency: spec.concurrency,
    timeoutMs: spec.timeoutMs,
  });
  if (tracing !== undefined) {
    tracing.setActive(true);
    await tracing.shutdown();
  }
  const cpuMsPerTransition = round((result.cpu.nodeSeconds * 1000) / result.transitions, 3);
  process.stdout.write(`${JSON.stringify({ transitionsPerSecond: result.transitionsPerSecond, cpuMsPerTransition, succeeded: result.succeeded, transitions: result.transitions })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
  // Queue connections and the exporter's timers would keep the process alive; the round is over.
  process.exit();
}

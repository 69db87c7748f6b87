import type { DemoApi } from '../../../examples/demo/api';
import type { SteadyTraffic } from '../../../examples/demo/traffic';
import { outputsOf, runPipeline, settledOn } from './demoSteps';

/** The demo's slow release (60 ms against 5 ms): the judge fails it, and the canary rolls back. */
const SLOW_VERSION = '3';
/** Each canary step's metric window: long enough for the judge to see the regression at the benchmark's rate. */
const INTERVAL_SEC = 3;

export interface CanaryRollbackRun {
  status: string;
  rolledBack: boolean;
  /** The canary's own figure: rollback decided → production alone in traffic. */
  rollbackDurationMs: number | null;
  canaryMs: number;
}

/**
 * Canaries of the slow release, one after another, each judged on live traffic against a
 * baseline of production. A run the judge passed (or that failed otherwise) is recorded as it
 * ended, without a duration, and ends the series rather than the benchmark.
 */
export async function canaryRollbacks(
  api: DemoApi,
  traffic: SteadyTraffic,
  options: { pipelineId: string; appDir: string; runs: number; productionVersion: string; log(line: string): void },
): Promise<CanaryRollbackRun[]> {
  const runs: CanaryRollbackRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const { execution, ms } = await runPipeline(api, options.pipelineId, { version: SLOW_VERSION, appDir: options.appDir, intervalSec: INTERVAL_SEC });
    const outputs = outputsOf(execution, 'canary');
    const run: CanaryRollbackRun = {
      status: execution.status,
      rolledBack: outputs.canaryRolledBack === true,
      rollbackDurationMs: typeof outputs.rollbackDurationMs === 'number' ? outputs.rollbackDurationMs : null,
      canaryMs: Math.round(ms),
    };
    runs.push(run);
    options.log(`canary ${i}/${options.runs} of the slow v${SLOW_VERSION}: ${run.status}${run.rolledBack ? `, rolled back in ${run.rollbackDurationMs} ms` : ', not rolled back'}`);
    // Promoted, or failed without a rollback: production is no longer what the next run assumes.
    if (!run.rolledBack) break;
    await settledOn(traffic, options.productionVersion);
  }
  return runs;
}

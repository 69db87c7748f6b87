import { readFile } from 'node:fs/promises';
import type { DemoApi, Execution } from '../../../examples/demo/api';
import type { SteadyTraffic } from '../../../examples/demo/traffic';
import { pollUntil, sleep } from '../../lib/time';

export const APPLICATION = 'demo';
export const CLUSTER = 'demo-web';
/** After a switch, how long only one version must answer before the cluster counts as settled. */
export const SETTLE_WINDOW_MS = 500;
export const STEP_TIMEOUT_MS = 180_000;

export type PipelineName = 'highlander' | 'redblack' | 'canary';

/** Saves one of examples/pipelines/*.json through the API, as the demo does; its id. */
export async function saveExamplePipeline(api: DemoApi, name: PipelineName): Promise<string> {
  const definition = JSON.parse(await readFile(new URL(`../../../examples/pipelines/${name}.json`, import.meta.url), 'utf8')) as { application: string; name: string };
  return api.savePipeline(definition);
}

/** Triggers a pipeline and waits for it to finish, however it ends; with its wall time. */
export async function runPipeline(api: DemoApi, pipelineId: string, parameters: Record<string, unknown>): Promise<{ execution: Execution; ms: number }> {
  const started = performance.now();
  const execution = await api.waitFor(await api.trigger(pipelineId, parameters), STEP_TIMEOUT_MS);
  return { execution, ms: performance.now() - started };
}

/** Waits until a whole window passes in which `version`, and only it, answered. */
export async function settledOn(traffic: SteadyTraffic, version: string): Promise<void> {
  await pollUntil(
    `traffic on v${version}`,
    async () => {
      const before = traffic.snapshot().byVersion;
      await sleep(SETTLE_WINDOW_MS);
      const after = traffic.snapshot().byVersion;
      const answered = Object.keys(after).filter((v) => (after[v] ?? 0) > (before[v] ?? 0));
      return { done: answered.join() === version, progress: `answering: ${answered.join(', ') || 'none'}` };
    },
    { timeoutMs: 30_000, intervalMs: 0 },
  );
}

export function outputsOf(execution: Execution, refId: string): Record<string, unknown> {
  return execution.stages.find((stage) => stage.refId === refId)?.outputs ?? {};
}

export function firstError(execution: Execution): string {
  const message = execution.stages.find((stage) => typeof stage.error?.message === 'string')?.error?.message;
  return message === undefined ? '' : ` (${message})`;
}

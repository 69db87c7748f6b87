import { readFile } from 'node:fs/promises';
import type { DemoApi, Execution } from './api';
import { SteadyTraffic, type TrafficCounts } from './traffic';

export interface StoryOptions {
  /** Requests per second sent to the cluster's proxy for the whole story. */
  rate: number;
  /** How long each canary step collects metrics. */
  canaryIntervalSec: number;
  /** How long traffic is watched after each step, to see who answers. */
  settleMs: number;
  log: (line: string) => void;
}

export interface StoryOutcome {
  ok: boolean;
  summary: string;
}

const APPLICATION = 'demo';
const CLUSTER = 'demo-web';
const PIPELINES = ['highlander', 'redblack', 'canary'] as const;
type PipelineName = (typeof PIPELINES)[number];

async function pipelineDefinition(name: PipelineName): Promise<{ application: string; name: string }> {
  return JSON.parse(await readFile(new URL(`../pipelines/${name}.json`, import.meta.url), 'utf8')) as { application: string; name: string };
}

/** Carries the story out step by step, checking each outcome against what must have happened. */
export async function runStory(api: DemoApi, folders: ReadonlyMap<string, string>, options: StoryOptions): Promise<StoryOutcome> {
  const { log } = options;
  const problems: string[] = [];
  const check = (holds: boolean, what: string) => {
    log(`${holds ? 'ok   ' : 'WRONG'} ${what}`);
    if (!holds) problems.push(what);
  };
  const ids = new Map<PipelineName, string>();
  for (const name of PIPELINES) ids.set(name, await api.savePipeline(await pipelineDefinition(name)));
  log(`saved pipelines ${PIPELINES.join(', ')} of application ${APPLICATION}`);

  const run = async (pipeline: PipelineName, version: string): Promise<Execution> => {
    const appDir = folders.get(version);
    if (appDir === undefined) throw new Error(`no release folder for version ${version}`);
    log(`${pipeline} of v${version}: started`);
    const parameters = { version, appDir, ...(pipeline === 'canary' ? { intervalSec: options.canaryIntervalSec } : {}) };
    const execution = await api.waitFor(await api.trigger(ids.get(pipeline)!, parameters));
    log(`${pipeline} of v${version}: ${execution.status}${firstError(execution)}`);
    return execution;
  };
  const serving = async (): Promise<string[]> => (await api.serverGroups(APPLICATION, CLUSTER)).filter((group) => group.enabled).map((group) => group.name);

  // 1. The first version, before any traffic: there is no proxy yet.
  const first = await run('highlander', '1');
  check(first.status === 'SUCCEEDED', 'v1 deployed');
  const [v1Group] = await serving();
  const proxyUrl = (await api.serverGroups(APPLICATION, CLUSTER)).find((group) => group.name === v1Group)?.details?.proxyUrl;
  if (typeof proxyUrl !== 'string') throw new Error(`the cluster's proxy URL is not reported (server group ${v1Group ?? 'none'})`);
  log(`traffic: ${options.rate} requests/s to ${proxyUrl} from now on`);
  const traffic = new SteadyTraffic(proxyUrl, options.rate);
  traffic.start();
  const answering = () => watch(traffic, options.settleMs);
  check(sameKeys(await answering(), ['1']), 'only v1 answers');

  // 2. Red/black to v2.
  const second = await run('redblack', '2');
  check(second.status === 'SUCCEEDED', 'v2 deployed red/black');
  const v2Group = String(outputsOf(second, 'deploy').serverGroupName);
  check(sameKeys(await answering(), ['2']), 'only v2 answers after the switch');
  check((await serving()).join() === v2Group, `${v2Group} alone takes traffic`);

  // 3. A slow v3: the canary judge fails it and Gantry rolls it back by itself.
  const rollbacks: number[] = [];
  const bad = await run('canary', '3');
  const badCanary = outputsOf(bad, 'canary');
  check(bad.status === 'TERMINAL' && badCanary.canaryRolledBack === true, 'the slow v3 canary failed and was rolled back');
  if (typeof badCanary.rollbackDurationMs === 'number') rollbacks.push(badCanary.rollbackDurationMs);
  check(sameKeys(await answering(), ['2']), 'only v2 answers after the canary rollback');
  check((await serving()).join() === v2Group, `${v2Group} alone takes traffic again`);

  // 4. A good v4: promoted.
  const good = await run('canary', '4');
  const goodCanary = outputsOf(good, 'canary');
  check(good.status === 'SUCCEEDED' && goodCanary.canaryPassed === true, 'the v4 canary passed and was promoted');
  const v4Group = String(goodCanary.serverGroupName);
  check(sameKeys(await answering(), ['4']), 'only v4 answers after the promotion');

  // 5. One call rolls back to the newest earlier healthy group: v2's.
  log('rollback: POST /api/v1/applications/demo/clusters/demo-web/rollback');
  const rolledBack = await api.waitFor(await api.rollback(APPLICATION, CLUSTER, 'demo: rolling back v4 by hand'));
  log(`rollback: ${rolledBack.status}${firstError(rolledBack)}`);
  const rollbackOutputs = rolledBack.stages[0]?.outputs ?? {};
  check(rolledBack.status === 'SUCCEEDED' && rollbackOutputs.restoredServerGroup === v2Group, `the rollback restored ${v2Group} (from ${v4Group})`);
  if (typeof rollbackOutputs.rollbackDurationMs === 'number') rollbacks.push(rollbackOutputs.rollbackDurationMs);
  check(sameKeys(await answering(), ['2']), 'only v2 answers after the rollback');

  const counts = await traffic.stop();
  for (const failure of counts.failures) log(`failed request: ${failure}`);
  check(counts.failed === 0, `no request failed (${counts.failed} of ${counts.sent})`);
  const final = (await serving()).join(', ') || 'none';
  const p50 = rollbacks.length === 0 ? 'n/a' : String(Math.round(median(rollbacks)));
  return {
    ok: problems.length === 0,
    summary: `demo: ${counts.sent} requests, ${counts.failed} failed, rollback ${p50} ms (p50 of traffic-restored), final server group ${final}`,
  };
}

/** Requests sent before a switch may still be answered by the old version just after it. */
const IN_FLIGHT_GRACE_MS = 500;

/** Which versions answered during `ms`, after the requests in flight at a switch are done. */
async function watch(traffic: SteadyTraffic, ms: number): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS));
  const before = traffic.snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Object.keys(delta(before, traffic.snapshot())).sort();
}

function delta(before: TrafficCounts, after: TrafficCounts): Record<string, number> {
  const answered: Record<string, number> = {};
  for (const [version, count] of Object.entries(after.byVersion)) {
    const more = count - (before.byVersion[version] ?? 0);
    if (more > 0) answered[version] = more;
  }
  return answered;
}

function sameKeys(actual: string[], expected: string[]): boolean {
  return actual.join() === expected.join();
}

function outputsOf(execution: Execution, refId: string): Record<string, unknown> {
  return execution.stages.find((stage) => stage.refId === refId)?.outputs ?? {};
}

function firstError(execution: Execution): string {
  const message = execution.stages.find((stage) => typeof stage.error?.message === 'string')?.error?.message;
  return message === undefined ? '' : ` (${message})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

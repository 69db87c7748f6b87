import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DemoApi } from '../../examples/demo/api';
import { releaseFolders } from '../../examples/demo/releases';
import { SteadyTraffic, type TrafficCounts } from '../../examples/demo/traffic';
import { cpuSince, cpuSnapshot } from '../lib/cpu';
import { target, type Benchmark, type BenchOptions } from '../lib/result';
import { distribution, percentile, round, type Distribution } from '../lib/stats';
import { pollUntil, sleep } from '../lib/time';
import { AnswerTimes } from './rollback/answerTimes';
import { canaryRollbacks, type CanaryRollbackRun } from './rollback/canaryRollbacks';
import { APPLICATION, CLUSTER, SETTLE_WINDOW_MS, STEP_TIMEOUT_MS, firstError, outputsOf, runPipeline, saveExamplePipeline, settledOn } from './rollback/demoSteps';
import { startBenchLocalGantry } from './rollback/localGantry';

/** Two releases alike but for their version, alternated so a rollback always switches versions. */
const VERSIONS = ['1', '2'] as const;

interface RollbackSample {
  restoredServerGroup: string;
  rolledBackServerGroup: string;
  /** Gantry's own figure: rollback requested → restored group alone in traffic. */
  rollbackDurationMs: number;
  /** Load generator's side, from just before the POST: the restored version's first answer. */
  firstRestoredAnswerMs: number;
  /** … and the rolled back version's last answer (requests already in flight when it left traffic). */
  lastRolledBackAnswerMs: number;
  /** POST → 202. */
  acceptedMs: number;
  /** The red/black deploy before it, trigger → SUCCEEDED (context: what a rollback saves). */
  redblackMs: number;
}

/**
 * Rollback time on the local provider, as a user lives it: Gantry started as `npm start` (its own
 * process, PostgreSQL queue), real app processes behind the cluster's proxy, steady HTTP traffic
 * through it. v1 is deployed, then N times: red/black of the other version, then
 * `POST /applications/demo/clusters/demo-web/rollback`.
 */
export const rollback: Benchmark = {
  name: 'rollback',
  description: 'local provider: rollback request → traffic restored, under steady traffic (Gantry as its own process)',
  async run(options: BenchOptions) {
    const params = {
      provider: 'local',
      backend: 'postgres',
      rollbacks: countFromEnv('GANTRY_BENCH_ROLLBACKS', options.quick ? 3 : 20, 1),
      canaryRollbacks: countFromEnv('GANTRY_BENCH_CANARY_ROLLBACKS', options.quick ? 1 : 3, 0),
      trafficRate: options.quick ? 50 : 100,
      pipelines: ['examples/pipelines/highlander.json', 'examples/pipelines/redblack.json', 'examples/pipelines/canary.json'],
      settleWindowMs: SETTLE_WINDOW_MS,
    };
    const gantry = await startBenchLocalGantry();
    const folders = await releaseFolders();
    let traffic: SteadyTraffic | undefined;
    try {
      const api = new DemoApi(gantry.url, gantry.token);
      const highlander = await saveExamplePipeline(api, 'highlander');
      const redblack = await saveExamplePipeline(api, 'redblack');
      const deploy = async (pipelineId: string, version: string): Promise<{ serverGroup: string; ms: number }> => {
        const { execution, ms } = await runPipeline(api, pipelineId, { version, appDir: folders.get(version) });
        const serverGroup = outputsOf(execution, 'deploy').serverGroupName;
        if (execution.status !== 'SUCCEEDED' || typeof serverGroup !== 'string') throw new Error(`deploy of v${version}: ${execution.status}${firstError(execution)}`);
        return { serverGroup, ms };
      };

      const versionOf = new Map<string, string>();
      const first = await deploy(highlander, VERSIONS[0]);
      versionOf.set(first.serverGroup, VERSIONS[0]);
      const proxyUrl = (await api.serverGroups(APPLICATION, CLUSTER)).find((group) => group.name === first.serverGroup)?.details?.proxyUrl;
      if (typeof proxyUrl !== 'string') throw new Error(`the cluster's proxy URL is not reported (server group ${first.serverGroup})`);
      options.log(`rollback: v1 is ${first.serverGroup}; ${params.trafficRate} req/s to ${proxyUrl} from now on`);
      traffic = new SteadyTraffic(proxyUrl, params.trafficRate);
      traffic.start();
      await settledOn(traffic, VERSIONS[0]);

      const cpuStart = cpuSnapshot();
      const samples: RollbackSample[] = [];
      for (let i = 1; i <= params.rollbacks; i++) {
        const version = VERSIONS[i % 2]!;
        const next = await deploy(redblack, version);
        versionOf.set(next.serverGroup, version);
        await settledOn(traffic, version);
        samples.push(await rollBackOnce(api, traffic, versionOf, next.ms));
        const sample = samples[samples.length - 1]!;
        options.log(
          `rollback ${i}/${params.rollbacks}: ${sample.rolledBackServerGroup} → ${sample.restoredServerGroup} in ${sample.rollbackDurationMs} ms ` +
            `(traffic: first restored answer ${Math.round(sample.firstRestoredAnswerMs)} ms, last rolled back ${Math.round(sample.lastRolledBackAnswerMs)} ms)`,
        );
      }
      const cpu = cpuSince(cpuStart);

      const production = versionOf.get(samples[samples.length - 1]?.restoredServerGroup ?? '') ?? VERSIONS[0];
      const canaries = await canaryRollbacks(api, traffic, {
        pipelineId: await saveExamplePipeline(api, 'canary'),
        appDir: folders.get('3') ?? '',
        runs: params.canaryRollbacks,
        productionVersion: production,
        log: options.log,
      });
      const counts = await traffic.stop();
      traffic = undefined;
      return outcome(params, samples, canaries, counts, cpu);
    } finally {
      await traffic?.stop();
      await gantry.close();
      const [anyFolder] = folders.values();
      if (anyFolder !== undefined) await rm(path.dirname(anyFolder), { recursive: true, force: true });
    }
  },
};

/** The bench's distribution plus p95: a rollback series is read at p50/p95/p99/max. */
function withP95(values: number[]): (Distribution & { p95: number }) | null {
  const summary = distribution(values);
  return summary === null ? null : { ...summary, p95: round(percentile([...values].sort((a, b) => a - b), 95)) };
}

/** A run count from the environment (GANTRY_BENCH_ROLLBACKS, GANTRY_BENCH_CANARY_ROLLBACKS), else the default. */
function countFromEnv(name: string, fallback: number, min: number): number {
  const fromEnv = process.env[name];
  if (fromEnv === undefined || fromEnv === '') return fallback;
  const count = Number(fromEnv);
  if (!Number.isInteger(count) || count < min) throw new Error(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(fromEnv)}`);
  return count;
}

async function rollBackOnce(api: DemoApi, traffic: SteadyTraffic, versionOf: ReadonlyMap<string, string>, redblackMs: number): Promise<RollbackSample> {
  const answers = new AnswerTimes(traffic);
  answers.start();
  const id = await api.rollback(APPLICATION, CLUSTER, 'bench: rollback time');
  const acceptedMs = answers.elapsedMs();
  const execution = await api.waitFor(id, STEP_TIMEOUT_MS);
  const outputs = outputsOf(execution, 'rollback');
  const { restoredServerGroup, rolledBackServerGroup, rollbackDurationMs } = outputs;
  if (execution.status !== 'SUCCEEDED' || typeof restoredServerGroup !== 'string' || typeof rolledBackServerGroup !== 'string' || typeof rollbackDurationMs !== 'number') {
    throw new Error(`rollback execution ${id}: ${execution.status}${firstError(execution)}`);
  }
  const restored = versionOf.get(restoredServerGroup);
  const rolledBack = versionOf.get(rolledBackServerGroup);
  if (restored === undefined || rolledBack === undefined || restored === rolledBack) {
    throw new Error(`rollback ${rolledBackServerGroup} (v${rolledBack}) → ${restoredServerGroup} (v${restored}) does not switch versions: traffic cannot tell them apart`);
  }
  // Done once a whole window passes in which only the restored version answered.
  await pollUntil(
    'traffic on the restored version',
    async () => {
      const windowStart = answers.elapsedMs();
      await sleep(SETTLE_WINDOW_MS);
      return { done: !answers.answeredSince(rolledBack, windowStart) && answers.answeredSince(restored, windowStart), progress: `v${rolledBack} still answers` };
    },
    { timeoutMs: 30_000, intervalMs: 0 },
  );
  const seen = answers.stop();
  const firstRestored = seen.get(restored)?.first;
  if (firstRestored === undefined) throw new Error(`v${restored} never answered after the rollback`);
  return {
    restoredServerGroup,
    rolledBackServerGroup,
    rollbackDurationMs,
    firstRestoredAnswerMs: round(firstRestored),
    // No answer of the bad version after the request at all: it had left traffic before the first one.
    lastRolledBackAnswerMs: round(seen.get(rolledBack)?.last ?? 0),
    acceptedMs: round(acceptedMs),
    redblackMs: Math.round(redblackMs),
  };
}

function outcome(
  params: Record<string, unknown>,
  samples: RollbackSample[],
  canaries: CanaryRollbackRun[],
  counts: TrafficCounts,
  cpu: ReturnType<typeof cpuSince>,
): Awaited<ReturnType<Benchmark['run']>> {
  const series = (pick: (sample: RollbackSample) => number) => withP95(samples.map(pick));
  const rollbackDurationMs = series((s) => s.rollbackDurationMs);
  const firstRestoredAnswerMs = series((s) => s.firstRestoredAnswerMs);
  const lastRolledBackAnswerMs = series((s) => s.lastRolledBackAnswerMs);
  const canaryRollbackMs = distribution(canaries.flatMap((run) => (run.rollbackDurationMs === null ? [] : [run.rollbackDurationMs])));
  const traffic = { sent: counts.sent, ok: counts.ok, failed: counts.failed, byVersion: counts.byVersion, failures: counts.failures };
  const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} ms`);
  const percentiles = (series: ReturnType<typeof withP95>) => [series?.p50, series?.p95, series?.p99].map(ms).join(' / ');
  return {
    status: 'ok',
    params,
    results: {
      rollbackDurationMs,
      firstRestoredAnswerMs,
      lastRolledBackAnswerMs,
      acceptedMs: series((s) => s.acceptedMs),
      redblackDeployMs: series((s) => s.redblackMs),
      canary: {
        runs: canaries.length,
        rolledBack: canaries.filter((run) => run.rolledBack).length,
        rollbackDurationMs: canaryRollbackMs,
        samples: canaries,
      },
      traffic,
      cpu,
      samples,
    },
    targets: [target('failed requests during deploys and rollbacks', counts.failed, '<=', 0)],
    summary: [
      [`rollbackDurationMs p50 / p95 / p99 (n=${samples.length})`, percentiles(rollbackDurationMs)],
      ['traffic: first restored answer p50 / p95 / p99', percentiles(firstRestoredAnswerMs)],
      ['traffic: last rolled back answer p50 / p95 / p99', percentiles(lastRolledBackAnswerMs)],
      [`canary automatic rollback p50 / max (n=${canaryRollbackMs?.count ?? 0})`, `${ms(canaryRollbackMs?.p50)} / ${ms(canaryRollbackMs?.max)}`],
      ['requests sent / failed', `${counts.sent} / ${counts.failed}`],
    ],
  };
}

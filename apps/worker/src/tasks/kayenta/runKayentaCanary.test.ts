import { describe, expect, it } from 'vitest';
import type { TaskClock, TaskResult } from '../Task';
import { makeTaskContext, nextRun } from '../testContext';
import { runKayentaCanaryTask } from './runKayentaCanary';

const MIN = 60_000;
const T0 = Date.parse('2026-12-05T12:00:00Z');

/** A clock the test moves by hand. */
function manualClock(start: number): TaskClock & { set(ms: number): void } {
  let now = start;
  return { now: () => now, delayFor: (ms) => ms, set: (ms) => (now = ms) };
}

/** Prometheus' query_range answer: the experiment's values per `experiment`, the control's steady. */
function prometheus(experiment: (i: number) => number, seen: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const query = url.searchParams.get('query') ?? '';
    seen.push(`${url.searchParams.get('start')}-${url.searchParams.get('end')} ${query}`);
    const canary = query.includes('checkout-canary');
    const values = Array.from({ length: 6 }, (_, i) => [i, String(canary ? experiment(i) : 1 + (i % 3) / 10)]);
    return new Response(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }), { headers: { 'content-type': 'application/json' } });
  });
}

const stage = {
  canaryConfig: {
    metricsAccountName: 'prom',
    lifetimeDuration: 'PT10M',
    canaryAnalysisIntervalMins: 5,
    scoreThresholds: { marginal: 50, pass: 75 },
    scopes: [{ controlScope: 'checkout-baseline', experimentScope: 'checkout-canary' }],
    canaryConfig: {
      name: 'inline',
      metrics: [{ name: 'errors', query: { type: 'prometheus', metricName: 'errors', customInlineTemplate: 'app="${scope}"' }, groups: ['g'], analysisConfigurations: { canary: { direction: 'increase' } } }],
    },
  },
};

function context(clock: TaskClock, fetcher: typeof fetch) {
  return makeTaskContext({
    stage: { type: 'kayentaCanary', context: stage },
    services: { clock, fetch: fetcher, metricsAccount: (name) => (name === 'prom' ? { name, type: 'prometheus', address: 'http://prometheus:9090' } : undefined) },
  });
}

describe('runKayentaCanary', () => {
  it('keeps its schedule across a crash: a re-run after the first poll waits for the same instants, then judges each interval once', async () => {
    const clock = manualClock(T0);
    const seen: string[] = [];
    let ctx = context(clock, prometheus((i) => 1 + (i % 3) / 10, seen));
    const first = await runKayentaCanaryTask.run(ctx);
    expect(first).toMatchObject({ status: 'RUNNING', retryAfterMs: MIN, outputs: { canaryScores: [], intervalsPlanned: 2 } });
    // A worker dies and another picks the task up two minutes later: the stored state decides, not the new "now".
    clock.set(T0 + 2 * MIN);
    ctx = nextRun(ctx, first);
    const resumed = await runKayentaCanaryTask.run(ctx);
    expect(resumed).toMatchObject({ status: 'RUNNING', retryAfterMs: MIN });
    expect(resumed.state).toEqual(first.state);
    clock.set(T0 + 5 * MIN);
    ctx = nextRun(ctx, resumed);
    const judged = await runKayentaCanaryTask.run(ctx);
    expect(judged).toMatchObject({ status: 'RUNNING', outputs: { canaryScores: [100] } });
    expect(seen.filter((line) => line.startsWith(`${T0 / 1000}-${(T0 + 5 * MIN) / 1000} `))).toHaveLength(2);
    clock.set(T0 + 10 * MIN);
    const done: TaskResult = await runKayentaCanaryTask.run(nextRun(ctx, judged));
    expect(done).toMatchObject({ status: 'SUCCEEDED', outputs: { canaryScores: [100, 100], canaryScoreMessage: 'Final canary score 100 met or exceeded the pass score threshold 75.' } });
    expect(seen).toHaveLength(4);
  });

  it('ends the stage on the first interval at or below marginal, with each metric and its reason', async () => {
    const clock = manualClock(T0 + 5 * MIN);
    const ctx = context(clock, prometheus((i) => 4 + (i % 3) / 10, []));
    // The schedule starts at the first run; move past the first window.
    const first = await runKayentaCanaryTask.run(ctx);
    clock.set(T0 + 10 * MIN);
    const failed = await runKayentaCanaryTask.run(nextRun(ctx, first));
    expect(failed).toMatchObject({ status: 'TERMINAL', outputs: { canaryScores: [0], canaryIntervals: [{ interval: 1, metrics: [{ name: 'errors', classification: 'High' }] }] } });
    expect(failed.status === 'TERMINAL' && failed.error).toMatch(/^Canary score 0 is not above the marginal score threshold 50\. \(interval 1 of 2: score 0, Fail .*errors High/);
  });

  it('fails naming the metrics account a stage names when none is configured', async () => {
    const ctx = makeTaskContext({ stage: { type: 'kayentaCanary', context: { ...stage, canaryConfig: { ...stage.canaryConfig, metricsAccountName: 'nope', lifetimeDuration: 'PT0H1M' } } }, services: { clock: manualClock(T0 + MIN) } });
    const first = await runKayentaCanaryTask.run(ctx);
    const ctx2 = { ...nextRun(ctx, first), services: { ...ctx.services, clock: manualClock(T0 + 10 * MIN) } };
    expect(await runKayentaCanaryTask.run(ctx2)).toMatchObject({ status: 'TERMINAL', error: 'metrics account nope is not configured (canaryConfig.metricsAccountName; see metricsAccounts)' });
  });
});

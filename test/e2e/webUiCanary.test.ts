import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTestToken } from '../../apps/api/src/testSupport';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { browserAvailable, launchBrowser, newPage, screenshot, signIn } from '../support/browser';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { NAMESPACE, deployStage, gatewayAccount, testRegistry } from '../support/serverGroups';

/** The canary's server group (production is v000, the baseline v001). */
const CANARY = 'shop-web-v002';
/** Baseline and canary answer the same error rate; the canary's latency is 40 ms higher. */
const series = (group: string, index: number, metric: string) => (metric === 'error_rate' ? 1 + ((index * 7) % 10) / 20 : 100 + ((index * 13) % 17) + (group === CANARY ? 40 : 0));

/**
 * The canary report in Chromium, against a canary on the Kubernetes fake judged from the Prometheus
 * fake: while a step's interval runs the page says which step waits and for how long; each marginal
 * step asks for a judgment (continued from the page); the report shows per step the score and
 * verdict, per metric the classification and why, and baseline against canary over time and as
 * distributions.
 */
describe.skipIf(!browserAvailable('the canary report browser test'))('the canary report in Chromium', () => {
  let fake: FakeKubernetes;
  let prometheus: FakePrometheus;
  let gantry: TestGantry;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    prometheus = await startFakePrometheus(series);
    gantry = await startTestGantry({ providers: testRegistry([gatewayAccount(fake, 'k8s-gw')]) });
    await storeTestToken(gantry.auth, 'operator');
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
    const deploy = deployStage('shop', 'web', 'registry.local/shop:1');
    const production = await gantry.savePipeline({ application: 'shop', name: 'deploy', stages: [{ ...deploy, cluster: { ...deploy.cluster, account: 'k8s-gw' } }] });
    expect((await gantry.waitFor(await gantry.trigger(production), undefined, 60_000)).status).toBe('SUCCEEDED');
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    await prometheus?.close();
    await fake?.close();
  });

  it('shows the waiting step, takes each marginal step’s judgment, and reports scores, verdicts, classifications, series and distributions', async () => {
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'canary',
      stages: [
        {
          refId: 'canary',
          name: 'Canary',
          type: 'canary',
          waitForUpTimeoutSec: 30,
          steps: [10, 50],
          warmupSec: 0,
          intervalSec: 5,
          stepSec: 0.05,
          onMarginal: 'judgment',
          metricSource: { type: 'prometheus', url: prometheus.url },
          canaryConfig: {
            thresholds: { marginal: 40, pass: 75 },
            metrics: [
              { name: 'errors', query: 'error_rate{server_group="${scope}"}', direction: 'increase', critical: true },
              { name: 'latency', query: 'latency_ms{server_group="${scope}"}', direction: 'increase' },
            ],
          },
          cluster: { account: 'k8s-gw', namespace: NAMESPACE, application: 'shop', stack: 'web', strategy: 'redblack', image: 'registry.local/shop:2', capacity: { min: 2, max: 2, desired: 2 } },
        },
      ],
    });
    const executionId = await gantry.trigger(id);
    await signIn(page, url, `/applications/shop/executions/${executionId}?stage=canary`, 'gantry_test_operator');
    const waiting = page.getByRole('region', { name: 'Why it is waiting' });
    await waiting.getByText(/^Canary waits for canary step 1 of 2 \(10 % of traffic\): its metrics are collected for intervalSec 5 s after warmupSec 0 s, judged in \d+s\.$/).waitFor({ timeout: 60_000 });

    for (const step of [1, 2]) {
      const judgment = page.getByRole('form', { name: `Manual judgment (canary step ${step})` });
      await judgment.waitFor({ timeout: 60_000 });
      await page.getByText(`Step ${step} (${step === 1 ? 10 : 50} % of traffic): score 50.00`).waitFor();
      await judgment.getByRole('button', { name: 'Continue' }).click();
      await judgment.waitFor({ state: 'detached', timeout: 30_000 });
    }
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });

    const report = page.getByRole('region', { name: 'Canary report' });
    for (const [step, percent] of [
      [1, 10],
      [2, 50],
    ] as const) {
      const paragraph = report.getByText(`Step ${step} (${percent} % of traffic): score 50.00 marginal — score 50.0 is below pass 75`);
      await paragraph.waitFor();
      const metrics = report.getByRole('table', { name: `Metrics of canary step ${step}` });
      const latency = metrics.getByRole('row').filter({ hasText: /^latency/ });
      expect(await latency.getByRole('cell').nth(1).textContent()).toBe('High');
      expect(await latency.getByRole('cell').last().textContent()).toMatch(/^canary is higher than baseline \(.+, mean ratio 1\.\d+\)$/);
      expect(await metrics.getByRole('row').filter({ hasText: /^errors/ }).getByRole('cell').nth(1).textContent()).toBe('Pass');
      // Over time: both sides' lines across the step's window; distributions: both sides' box plots.
      await latency.getByRole('img', { name: /^latency over time from .+ to .+: baseline .+ \(60 points\); canary .+ \(60 points\)$/ }).waitFor();
      await latency.getByRole('img', { name: /^latency: baseline median .+; canary median .+$/ }).waitFor();
    }
    await screenshot(page, 'canary-report', true);

    // What the lines and boxes draw: the canary's latency sits about 40 above the baseline's.
    const done = await gantry.waitFor(executionId);
    const [first] = stageOf(done, 'canary').outputs.canaryResults as { metrics: { name: string; baselineSeries: number[]; canarySeries: number[]; baselineSummary: { median: number }; canarySummary: { median: number } }[] }[];
    const latency = first!.metrics.find((metric) => metric.name === 'latency')!;
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(latency.canarySeries) - mean(latency.baselineSeries)).toBeCloseTo(40, 0);
    expect(latency.canarySummary.median - latency.baselineSummary.median).toBeGreaterThan(30);
  });
});

import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage } from '../../test/support/browser';
import { createBenchDatabase } from '../lib/database';
import { startBenchGantry } from '../lib/gantry';
import { benchQueue } from '../lib/queues';
import { target, type Benchmark, type BenchOptions } from '../lib/result';

const LANES = 20;

/** 500 wait stages in 20 parallel lanes of 25 (each stage needs the one above it), as a big fan-out pipeline. */
function bigPipeline(stages: number) {
  return {
    application: 'benchui',
    name: 'five-hundred',
    limitConcurrent: false,
    stages: Array.from({ length: stages }, (_, index) => ({
      refId: `s${index}`,
      name: `lane ${index % LANES} step ${Math.floor(index / LANES)}`,
      type: 'wait',
      waitTime: 1,
      ...(index >= LANES ? { requisiteStageRefIds: [`s${index - LANES}`] } : {}),
    })),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;

/**
 * Milliseconds from the navigation's start until the `count`th element matching each selector is
 * in the page (the browser's own clock). Locators, not a predicate string: the page's CSP forbids eval.
 */
async function timeToReady(page: Page, url: string, ready: Record<string, number>): Promise<number> {
  await page.goto(url);
  for (const [selector, count] of Object.entries(ready)) await page.locator(selector).nth(count - 1).waitFor({ state: 'attached', timeout: 60_000 });
  return Math.round(await page.evaluate(() => performance.now()));
}

/**
 * The web UI in Chromium against a Gantry in this process (no worker: executions stay where they
 * were launched): a 500-stage execution's page until every stage of the graph is drawn, and an
 * application with 1,000 executions until its newest page of rows has every stage bar. Each is
 * loaded afresh several times and the median kept.
 */
export const uiRender: Benchmark = {
  name: 'ui',
  description: 'web UI in Chromium: a 500-stage execution page, and an application with 1,000 executions',
  async run(options: BenchOptions) {
    const params = { stages: 500, executions: options.quick ? 100 : 1000, loads: options.quick ? 2 : 5 };
    if (!browserAvailable('the ui benchmark')) {
      return { status: 'skipped', reason: 'no Chromium at /usr/bin/chromium', params, results: {}, targets: [], summary: [] };
    }
    const database = await createBenchDatabase();
    const queue = benchQueue('redis', database.url, 'ui');
    const gantry = await startBenchGantry({ db: database.db, queue: queue.config, worker: false });
    const browser = await launchBrowser();
    try {
      await gantry.api.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
      const trigger = async (pipelineId: string) => {
        const response = await fetch(`${base}/api/v1/pipelines/${pipelineId}/executions`, { method: 'POST', headers: { ...gantry.headers, 'content-type': 'application/json' }, body: '{}' });
        if (response.status !== 202) throw new Error(`trigger: HTTP ${response.status} ${await response.text()}`);
        return ((await response.json()) as { id: string }).id;
      };
      const big = await trigger(await gantry.savePipeline(bigPipeline(params.stages)));
      const small = await gantry.savePipeline({
        application: 'benchmany',
        name: 'three-stages',
        limitConcurrent: false,
        stages: [
          { refId: 'a', type: 'wait', waitTime: 1 },
          { refId: 'b', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
          { refId: 'c', type: 'wait', waitTime: 1, requisiteStageRefIds: ['b'] },
        ],
      });
      options.log(`ui: launching ${params.executions} executions of a 3-stage pipeline`);
      for (let i = 0; i < params.executions; i++) await trigger(small);

      const page = await newPage(browser);
      const token = gantry.headers.authorization.slice('Bearer '.length);
      // Signed in as the UI keeps it (the tab's sessionStorage), so each load measures the views, not the sign-in.
      await page.addInitScript((value) => (globalThis as { sessionStorage?: { setItem(key: string, value: string): void } }).sessionStorage?.setItem('gantry.token', value), token);
      const render: number[] = [];
      const list: number[] = [];
      const bars: number[] = [];
      for (let i = 0; i < params.loads; i++) {
        render.push(await timeToReady(page, `${base}/applications/benchui/executions/${big}`, { '.dag .node': params.stages }));
        list.push(await timeToReady(page, `${base}/applications/benchmany/pipelines`, { '.execution-row': 30 }));
        // The list has no stages: each row's bars come from one more read of its execution.
        bars.push(await timeToReady(page, `${base}/applications/benchmany/pipelines`, { '.execution-row': 30, '.execution-row .bar': 90 }));
      }
      options.log(`ui: 500-stage page ${render.join(', ')} ms; list ${list.join(', ')} ms; with stage bars ${bars.join(', ')} ms`);
      const results = {
        executionPageMs: { median: median(render), all: render },
        applicationListMs: { median: median(list), all: list },
        applicationListWithBarsMs: { median: median(bars), all: bars },
      };
      return {
        status: 'ok',
        params,
        results,
        targets: [
          target('500-stage execution page drawn (median, from navigation)', median(render), '<=', 1000, 'ms'),
          target('application with 1,000 executions: newest 30 rows listed (median)', median(list), '<=', 500, 'ms'),
        ],
        summary: [
          ['500-stage execution page (median)', `${median(render)} ms`],
          [`application with ${params.executions} executions: rows / with stage bars (median)`, `${median(list)} / ${median(bars)} ms`],
        ],
      };
    } finally {
      await browser.close();
      await gantry.close();
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
  },
};

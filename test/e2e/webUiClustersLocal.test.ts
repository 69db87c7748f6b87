import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DemoApi } from '../../examples/demo/api';
import { releaseFolders } from '../../examples/demo/releases';
import { browserAvailable, launchBrowser, newPage, screenshot, signIn } from '../support/browser';
import { startLocalGantry, type LocalGantry } from '../support/localGantry';

/** Generous: two cores shared by many test runs. */
const TRAFFIC = { timeout: 60_000, interval: 200 };

/**
 * The clusters view in Chromium against Gantry on the local provider, as `npm start` runs it: two
 * versions deployed red/black, a rollback pressed and confirmed in the browser, and then real HTTP
 * requests through the cluster's local traffic proxy reach the old version again.
 */
describe.skipIf(!browserAvailable('the clusters view browser test on the local provider'))('the clusters view in Chromium, local provider', () => {
  let local: LocalGantry;
  let api: DemoApi;
  let browser: Browser;
  let page: Page;
  let proxyUrl: string;

  /** What `requests` requests through the cluster's proxy were answered by: `<server group> <version>`, sorted. */
  async function answering(requests = 10): Promise<string[]> {
    const answered = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const response = await fetch(proxyUrl);
      const body = (await response.json()) as { serverGroup?: string; version?: string };
      answered.add(`${response.status} ${String(body.serverGroup)} ${String(body.version)}`);
    }
    return [...answered].sort();
  }

  beforeAll(async () => {
    local = await startLocalGantry();
    api = new DemoApi(local.url, local.token);
    const folders = await releaseFolders();
    const definition = JSON.parse(await readFile(new URL('../../examples/pipelines/redblack.json', import.meta.url), 'utf8')) as {
      name: string;
      stages: { cluster?: Record<string, unknown> }[];
    };
    const stages = definition.stages.map((stage) => (stage.cluster === undefined ? stage : { ...stage, cluster: { ...stage.cluster, application: 'shop' } }));
    const shop: { application: string; name: string; stages: unknown[] } = { ...definition, application: 'shop', stages };
    const pipeline = await api.savePipeline(shop);
    for (const version of ['1', '2']) expect((await api.waitFor(await api.trigger(pipeline, { version, appDir: folders.get(version) }), 120_000)).status).toBe('SUCCEEDED');
    const [serving] = (await api.serverGroups('shop', 'shop-web')).filter((group) => group.enabled);
    proxyUrl = String(serving?.details?.proxyUrl);
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await local?.close();
  }, 60_000);

  it('a rollback confirmed in the clusters view moves the traffic through the local proxy back to the older version', { timeout: 180_000 }, async () => {
    await vi.waitFor(async () => expect(await answering()).toEqual(['200 shop-web-v001 2']), TRAFFIC);

    await signIn(page, local.url, '/applications/shop/clusters', local.token);
    await page.locator('.cluster tbody tr.in-traffic', { hasText: 'shop-web-v001' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.cluster tbody tr').count()).toBe(2);
    await screenshot(page, 'clusters-local');

    await page.getByRole('button', { name: 'Roll back' }).click();
    const confirm = page.getByRole('alertdialog');
    const question = await confirm.textContent();
    expect(question).toContain('Restore shop-web-v000 (');
    expect(question).toContain('and take shop-web-v001 out of traffic?');
    await confirm.getByRole('button', { name: 'Roll back to shop-web-v000' }).click();
    await page.waitForURL(/\/applications\/shop\/executions\/[0-9a-f-]+/, { timeout: 30_000 });
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 });

    // Real requests through the cluster's proxy: only the restored group, version 1, answers.
    await vi.waitFor(async () => expect(await answering()).toEqual(['200 shop-web-v000 1']), TRAFFIC);

    await page.getByRole('link', { name: 'Clusters' }).click();
    await page.locator('.cluster tbody tr.in-traffic', { hasText: 'shop-web-v000' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.cluster tbody tr.in-traffic').count()).toBe(1);
  });
});

import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeTestToken } from '../../apps/api/src/testSupport';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { browserAvailable, launchBrowser, newPage, screenshot, signIn } from '../support/browser';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { NAMESPACE, SETTLED, kubernetesAccount, redBlackDeployStage, servedServerGroups, testRegistry } from '../support/serverGroups';

/**
 * The clusters view in Chromium against a Gantry deploying to the Kubernetes fake: the server groups
 * with their image, capacity, health and traffic; a rollback confirmed by naming the group it
 * restores moves the cluster's traffic (the Service's pods) back to that group.
 */
describe.skipIf(!browserAvailable('the clusters view browser test'))('the clusters view in Chromium', () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    gantry = await startTestGantry({ providers: testRegistry([kubernetesAccount(fake)]) });
    await storeTestToken(gantry.auth, 'operator');
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'deploy-web',
      parameters: [{ name: 'version', required: true }],
      stages: [redBlackDeployStage('shop', 'web', 'registry.local/shop:${parameters.version}')],
    });
    for (const version of ['1', '2']) expect((await gantry.waitFor(await gantry.trigger(id, { version }), undefined, 45_000)).status).toBe('SUCCEEDED');
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    await fake?.close();
  });

  it('shows the server groups, and a confirmed rollback moves the traffic back to the older group', async () => {
    await signIn(page, url, '/applications/shop/clusters', 'gantry_test_operator');
    const rows = page.locator('.cluster tbody tr');
    await page.locator('.cluster tbody tr.in-traffic', { hasText: 'shop-web-v001' }).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('registry.local/shop:2');
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v001', 'shop-web-v001']), SETTLED);
    await screenshot(page, 'clusters');

    await page.getByRole('button', { name: 'Roll back' }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.textContent()).toContain('Restore shop-web-v000 (registry.local/shop:1) and take shop-web-v001 out of traffic?');
    await confirm.getByRole('button', { name: 'Roll back to shop-web-v000' }).click();
    await page.waitForURL(/\/applications\/shop\/executions\/[0-9a-f-]+/);
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: 'Clusters' }).click();
    await page.locator('.cluster tbody tr.in-traffic', { hasText: 'shop-web-v000' }).waitFor();
    expect(await page.locator('.cluster tbody tr.in-traffic').count()).toBe(1);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v000']), SETTLED);
  });

  it('resizes a server group and puts another into traffic from their rows, each as an execution', async () => {
    await page.getByRole('link', { name: 'Clusters' }).click();
    const row = page.locator('.cluster tbody tr', { hasText: 'shop-web-v000' });
    await row.getByRole('button', { name: 'Resize' }).click();
    const form = row.getByRole('form', { name: 'Resize shop-web-v000' });
    await form.getByLabel('max').fill('3');
    await form.getByLabel('desired').fill('3');
    await form.getByRole('button', { name: 'Resize shop-web-v000' }).click();
    await page.waitForURL(/\/applications\/shop\/executions\/[0-9a-f-]+/);
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
    expect(fake.state.get('deployments', 'shop-web-v000', NAMESPACE)?.spec).toMatchObject({ replicas: 3 });

    await page.getByRole('link', { name: 'Clusters' }).click();
    await page.locator('.cluster tbody tr', { hasText: 'shop-web-v001' }).getByRole('button', { name: 'Enable' }).click();
    await page.waitForURL(/\/applications\/shop\/executions\/[0-9a-f-]+/);
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
    expect(fake.state.get('deployments', 'shop-web-v001', NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'true' });
  });
});

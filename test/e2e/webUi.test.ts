import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTestToken } from '../../apps/api/src/testSupport';
import { browserAvailable, launchBrowser, newPage, screenshot } from '../support/browser';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';

/** The issue's budget for the first page load, compressed. */
const FIRST_LOAD_BUDGET_BYTES = 500 * 1024;

const PIPELINE = {
  application: 'uitest',
  name: 'release',
  parameters: [{ name: 'version', required: true, description: 'The version to ship' }, { name: 'region', options: [{ value: 'eu' }, { value: 'us' }], default: 'eu' }],
  stages: [
    { refId: 'soak', name: 'Soak', type: 'wait', waitTime: 1 },
    { refId: 'approve', name: 'Approve', type: 'manualJudgment', requisiteStageRefIds: ['soak'], instructions: 'Ship ${parameters.version} to ${parameters.region}?' },
    {
      refId: 'announce',
      name: 'Announce',
      type: 'evaluateVariables',
      requisiteStageRefIds: ['approve'],
      variables: [{ key: 'message', value: 'released ${parameters.version}' }],
    },
  ],
};

/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core) against a whole Gantry:
 * sign in with a token, save a pipeline in the editor after its validation error shows at its field,
 * start it from a deep link with a parameter, watch the stages turn green live (the execution page
 * reads only the server-sent events, it does not poll), continue the manual judgment on a phone-sized
 * screen, see SUCCEEDED.
 */
describe.skipIf(!browserAvailable('the web UI browser test'))('the web UI in Chromium', () => {
  let gantry: TestGantry;
  let browser: Browser;
  let page: Page;
  let url: string;
  const firstLoad = { bytes: 0, requests: 0 };

  beforeAll(async () => {
    gantry = await startTestGantry();
    await storeTestToken(gantry.auth, 'ui-tester');
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
  });

  it('loads the page without credentials, under the budget, and signs in with an API token only after /me said 401', async () => {
    const sizes: Promise<number>[] = [];
    page.on('requestfinished', (request) => sizes.push(request.sizes().then((size) => size.responseBodySize + size.responseHeadersSize)));
    await page.goto(`${url}/applications`);
    await page.getByRole('heading', { name: 'Sign in to Gantry' }).waitFor();
    firstLoad.requests = sizes.length;
    firstLoad.bytes = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
    page.removeAllListeners('requestfinished');
    console.log(`web UI first load: ${firstLoad.requests} requests, ${(firstLoad.bytes / 1024).toFixed(1)} KB transferred`);
    expect(firstLoad.bytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);

    await page.getByRole('textbox', { name: 'API token' }).fill('gantry_test_ui-tester');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await page.getByText('ui-tester').waitFor();
  });

  it('shows a validation error at its field as you type, then saves the pipeline', async () => {
    await page.goto(`${url}/applications/uitest/pipelines/new`);
    const editor = page.getByLabel('Pipeline definition (JSON)');
    const broken = { ...PIPELINE, stages: PIPELINE.stages.map((stage) => (stage.refId === 'soak' ? { ...stage, waitTime: -1 } : stage)) };
    const brokenText = JSON.stringify(broken, null, 2);
    await editor.fill(brokenText);
    const issue = page.locator('li.issue[data-path="stages.0.waitTime"]');
    await issue.waitFor();
    // The issue names the line the field is on, and the preview marks the stage.
    const line = brokenText.split('\n').findIndex((text) => text.includes('"waitTime": -1')) + 1;
    expect(await issue.textContent()).toContain(`line ${line}`);
    expect(await page.locator('.dag .node.flagged').getAttribute('data-stage')).toBe('soak');
    await screenshot(page, 'editor-validation');

    await editor.fill(JSON.stringify(PIPELINE, null, 2));
    await page.getByText('Valid.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved version 1.').waitFor();
    await page.waitForURL(/\/applications\/uitest\/pipelines\/[0-9a-f-]+\/edit$/);
    const saved = await gantry.request<{ pipelines: { name: string; version: number }[] }>('GET', '/api/v1/pipelines?application=uitest');
    expect(saved.body.pipelines).toMatchObject([{ name: 'release', version: 1 }]);
  });

  it('starts it from a deep link with a parameter, shows the stages turn green live, continues the judgment with one press on a phone, and ends SUCCEEDED', async () => {
    await page.goto(`${url}/applications/uitest/pipelines?start=release&p.version=1.4.2`);
    const dialog = page.getByRole('dialog', { name: 'Start release' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('version').inputValue()).toBe('1.4.2');
    expect(await dialog.getByLabel('region').inputValue()).toBe('eu');
    await dialog.getByLabel('region').selectOption('us');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/applications\/uitest\/executions\/[0-9a-f-]+/);
    const executionId = new URL(page.url()).pathname.split('/').pop() ?? '';

    // Only the event stream tells this page of changes: the stage turns green without a reload.
    await page.locator('.live.live').waitFor();
    await page.locator('[data-stage="soak"][data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-stage="approve"][data-status="RUNNING"]').waitFor();
    await page.getByText('Approve waits for a manual judgment.').waitFor();
    await screenshot(page, 'execution-judgment', true);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-stage="approve"]').click();
    const judgment = page.getByRole('form', { name: 'Manual judgment' });
    await judgment.getByText('Ship 1.4.2 to us?').waitFor();
    await screenshot(page, 'judgment-phone');
    await judgment.getByRole('button', { name: 'Continue' }).click();

    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await page.setViewportSize({ width: 1280, height: 860 });
    for (const stage of ['soak', 'approve', 'announce']) await page.locator(`[data-stage="${stage}"][data-status="SUCCEEDED"]`).waitFor();
    await page.locator('[data-stage="announce"]').click();
    await page.getByText('"message": "released 1.4.2"').waitFor();
    await screenshot(page, 'execution-succeeded', true);

    const execution = await gantry.waitFor(executionId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.parameters).toMatchObject({ version: '1.4.2', region: 'us' });
    expect(execution.stages.find((stage) => stage.refId === 'approve')?.outputs).toMatchObject({ judgmentStatus: 'continue' });
    const events = await gantry.request<{ events: { type: string; actor: string | null }[] }>('GET', `/api/v1/executions/${executionId}/events`);
    expect(events.body.events.filter((event) => event.actor === 'ui-tester').map((event) => event.type)).toEqual(expect.arrayContaining([expect.stringMatching(/JUDG/)]));
  });

  it("keeps each saved version: the editor diffs one against its text and restores it, and the restore saves as a new version", async () => {
    const [pipeline] = (await gantry.request<{ pipelines: { id: string }[] }>('GET', '/api/v1/pipelines?application=uitest')).body.pipelines;
    await page.goto(`${url}/applications/uitest/pipelines/${pipeline!.id}/edit`);
    const editor = page.getByLabel('Pipeline definition (JSON)');
    await page.getByRole('heading', { name: 'Edit release' }).waitFor();
    const longer = { ...PIPELINE, stages: PIPELINE.stages.map((stage) => (stage.refId === 'soak' ? { ...stage, waitTime: 2 } : stage)) };
    await editor.fill(JSON.stringify(longer, null, 2));
    await page.getByText('Valid.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved version 2.').waitFor();

    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: 'v1', exact: true }).click();
    const diff = history.getByLabel('Differences between version 1 and the editor');
    await diff.locator('.removed', { hasText: '"waitTime": 1' }).waitFor();
    await diff.locator('.added', { hasText: '"waitTime": 2' }).waitFor();
    await screenshot(page, 'editor-history', true);

    await history.getByRole('button', { name: 'Restore v1 into the editor' }).click();
    expect(await editor.inputValue()).toContain('"waitTime": 1');
    await page.getByText('Valid.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved version 3.').waitFor();
    const versions = await gantry.request<{ versions: { version: number; definition: { stages: { waitTime?: number }[] } }[] }>('GET', `/api/v1/pipelines/${pipeline!.id}/versions`);
    expect(versions.body.versions.map((version) => [version.version, version.definition.stages[0]?.waitTime])).toEqual(expect.arrayContaining([[1, 1], [2, 2], [3, 1]]));
  });

  it('lists the application with its last execution, and its executions as rows of stage bars', async () => {
    await page.goto(`${url}/applications`);
    await page.getByRole('link', { name: 'uitest' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search applications and pipelines' }).fill('relea');
    await page.locator('.card .badge', { hasText: 'succeeded' }).waitFor();
    await screenshot(page, 'applications');
    await page.goto(`${url}/applications/uitest/pipelines`);
    await page.getByRole('list', { name: 'Stages' }).first().waitFor();
    expect(await page.getByRole('listitem', { name: /: succeeded$/ }).count()).toBe(3);
    await screenshot(page, 'pipelines');
  });
});

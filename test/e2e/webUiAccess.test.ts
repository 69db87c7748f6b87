import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcVerifier } from '../../apps/api/src/auth/oidc';
import { storeTestToken } from '../../apps/api/src/testSupport';
import { browserAvailable, launchBrowser, screenshot, signIn } from '../support/browser';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { OIDC_CLIENT_ID, reservePublicUrl, startOidcProvider, type TestOidcProvider } from '../support/oidcProvider';

/** An execution window that is closed now (it opens in two hours, UTC) and lasts an hour. */
function closedWindow() {
  const hour = new Date().getUTCHours();
  return { whitelist: [{ startHour: (hour + 2) % 24, startMin: 0, endHour: (hour + 3) % 24, endMin: 0 }], timezone: 'UTC' };
}

const PIPELINE = {
  application: 'shop',
  name: 'gate',
  limitConcurrent: true,
  keepWaitingPipelines: true,
  stages: [
    // No judgmentInputs: Continue alone answers it.
    { refId: 'judge', name: 'Go ahead', type: 'manualJudgment', instructions: 'Ship it?' },
    {
      refId: 'night',
      name: 'Night shift',
      type: 'wait',
      waitTime: 1,
      requisiteStageRefIds: ['judge'],
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: closedWindow(),
    },
  ],
};

/** Controls (buttons, links, fields) without an accessible name in the page's accessibility tree, as a screen reader meets it. */
async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return tree.split('\n').filter((line) => /^\s*- (button|link|textbox|combobox|checkbox|radio|searchbox|spinbutton)\s*(\[[^\]]*\])?:?\s*$/.test(line));
}

/**
 * Who may do what, in Chromium: a read-only user signs in through a real OpenID provider from a
 * shared link and lands on that page, where every button they may not use is disabled with the
 * reason; an operator on a phone-sized screen reads why an execution waits (its judgment, a
 * requisite, an execution window, limitConcurrent), reaches Continue with the keyboard alone and
 * continues a judgment without inputs with one press, then skips the execution window.
 */
describe.skipIf(!browserAvailable('the web UI access browser test'))('the web UI: sign-in, permissions, waiting and the keyboard in Chromium', () => {
  let provider: TestOidcProvider;
  let gantry: TestGantry;
  let browser: Browser;
  let url: string;
  let pipelineId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    const reserved = await reservePublicUrl();
    url = reserved.url;
    provider = await startOidcProvider(`${url}/auth/callback`, { rita: ['shop-readers'] });
    const oidc = new OidcVerifier({ issuer: provider.issuer, audience: OIDC_CLIENT_ID, groupsClaim: 'groups', clientId: OIDC_CLIENT_ID });
    gantry = await startTestGantry({ oidc, publicUrl: url });
    await gantry.auth.setRoleGrants('shop-readers', [{ kind: 'application', name: 'shop', actions: ['READ'] }], 'test');
    await storeTestToken(gantry.auth, 'operator');
    await gantry.api.listen({ port: reserved.port, host: '127.0.0.1' });
    pipelineId = await gantry.savePipeline(PIPELINE);
    await gantry.savePipeline({ application: 'billing', name: 'invoice', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] });
    first = await gantry.trigger(pipelineId);
    await gantry.waitFor(first, (execution) => execution.stages.some((stage) => stage.refId === 'judge' && stage.status === 'RUNNING'));
    // limitConcurrent: this one stays queued behind the first.
    second = await gantry.trigger(pipelineId);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    provider?.server.close();
  });

  it('signs a read-only user in through OIDC from a shared link, lands on it, and disables what they may not do, saying why', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.setDefaultTimeout(15_000);
    const shared = `/applications/shop/executions/${first}`;
    await page.goto(`${url}${shared}`);
    await page.getByRole('heading', { name: 'Sign in to Gantry' }).waitFor();
    await page.getByRole('link', { name: 'Sign in with single sign-on (OIDC)' }).click();
    // The provider's own pages: its development login (any password), then its consent.
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill('rita');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}${shared}`);

    await page.locator('.who', { hasText: 'rita' }).waitFor();
    const reason = 'rita lacks EXECUTE on application shop';
    await page.getByRole('note').filter({ hasText: `Read only here: ${reason}.` }).waitFor();
    const judgment = page.getByRole('form', { name: 'Manual judgment' });
    await judgment.getByText('Ship it?').waitFor();
    for (const button of [judgment.getByRole('button', { name: 'Continue' }), judgment.getByRole('button', { name: 'Stop' }), page.getByRole('button', { name: 'Pause' }), page.getByRole('button', { name: 'Cancel' })]) {
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toBe(reason);
    }

    // Only what rita may read: shop, not billing.
    await page.getByRole('link', { name: 'Gantry' }).click();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    expect(await page.getByRole('link', { name: 'billing' }).count()).toBe(0);

    await page.goto(`${url}/applications/shop/pipelines`);
    const start = page.getByRole('button', { name: 'Start' });
    await start.waitFor();
    expect(await start.isDisabled()).toBe(true);
    expect(await start.getAttribute('title')).toBe(reason);
    const create = page.getByRole('button', { name: 'New pipeline' });
    expect(await create.isDisabled()).toBe(true);
    expect(await create.getAttribute('title')).toBe('rita lacks WRITE on application shop');

    await page.goto(`${url}/applications/shop/pipelines/${pipelineId}/edit`);
    const save = page.getByRole('button', { name: 'Save' });
    await page.getByText('Not checked: checking is for who may save.').waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await save.getAttribute('title')).toBe('rita lacks WRITE on application shop');
    expect(await unnamedControls(page)).toEqual([]);
    await page.context().close();
  });

  it('tells an operator on a phone why each execution waits, and continues a judgment without inputs with one key press', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, url, `/applications/shop/executions/${second}`, 'gantry_test_operator');
    const waiting = page.getByRole('region', { name: 'Why it is waiting' });
    await waiting.getByText('Queued: the pipeline has limitConcurrent and keepWaitingPipelines, so this execution starts when').waitFor();
    await waiting.getByRole('link', { name: /^the running one/ }).click();
    await page.waitForURL(`${url}/applications/shop/executions/${first}`);

    await waiting.getByText('Go ahead waits for a manual judgment.').waitFor();
    await waiting.getByText('Night shift waits for Go ahead.').waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    // Usable on the phone: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'execution-waiting-phone');

    // The keyboard alone reaches Continue (Tab from the top of the page), and one key press answers.
    const proceed = page.getByRole('form', { name: 'Manual judgment' }).getByRole('button', { name: 'Continue' });
    await proceed.waitFor();
    let presses = 0;
    while (!(await proceed.evaluate((element) => element === element.ownerDocument.activeElement))) {
      expect(++presses, 'Tab presses to reach Continue').toBeLessThan(60);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');

    await page.locator('[data-stage="judge"][data-status="SUCCEEDED"]').waitFor();
    await waiting.getByText(/^Night shift waits for its execution window, which opens at .+; Skip wait starts it now\.$/).waitFor();
    await page.locator('[data-stage="night"]').click();
    await page.getByRole('button', { name: 'Skip wait' }).click();
    await page.locator('#execution-title .badge', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });

    const done = await gantry.waitFor(first);
    expect(done.stages.find((stage) => stage.refId === 'judge')?.outputs).toMatchObject({ judgmentStatus: 'continue' });
    expect(done.stages.find((stage) => stage.refId === 'night')?.outputs).toMatchObject({ executionWindow: { status: 'skipped' } });
    // The slot is free: the queued execution starts.
    await gantry.waitFor(second, (execution) => execution.status === 'RUNNING');
    await page.context().close();
  });
});

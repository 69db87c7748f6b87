import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Set (e.g. to docs/screenshots) to keep the screenshots of each view; else they go under .gantry/. */
export const SCREENSHOTS = join(ROOT, process.env.GANTRY_UI_SCREENSHOTS ?? '.gantry/ui-screenshots');

/** Whether browser tests can run here; says so on the console when they cannot. */
export function browserAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.warn(`${what} skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
  return false;
}

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

/** Builds the web UI when its build is missing or older than its sources (install builds it: CI finds it fresh). */
function ensureUiBuilt(): void {
  const page = join(ROOT, 'apps/ui/dist/index.html');
  const sources = Math.max(newest(join(ROOT, 'apps/ui/src')), statSync(join(ROOT, 'apps/ui/index.html')).mtimeMs);
  if (existsSync(page) && statSync(page).mtimeMs >= sources) return;
  execFileSync('npm', ['run', '-s', 'build:ui'], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * Makes sure the page under test is the one the sources build now, then starts headless Chromium as the machine's probe does: without background networking, which
 * this closed network refuses.
 */
export async function launchBrowser(): Promise<Browser> {
  ensureUiBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(10_000);
  return page;
}

/** Opens `path` signed out and signs in by pasting `token`, as a person would. */
export async function signIn(page: Page, url: string, path: string, token: string): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.getByRole('textbox', { name: 'API token' }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export const screenshot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

/** What the browser tests of the example web page share: a watched page, waiting for a heading, screenshots, signing in. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../test/helpers/chromium.js';

/** Where the browser tests write their screenshots (git-ignored). */
export const SHOTS = join(process.cwd(), 'test-results', 'web');

/**
 * Launches Chromium once for the test file that calls it (when installed) and closes it after the file;
 * answers the running browser.
 */
export function chromiumForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!chromiumAvailable) return;
    await mkdir(SHOTS, { recursive: true });
    // launch() gives every run a fresh, throw-away profile directory.
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running');
    return browser;
  };
}

/** A full-page screenshot under {@link SHOTS} as `<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A page in a fresh context (its own cookies) that collects every script error and CSP violation in
 * `problems`, for the test to expect none.
 */
export async function openBrowserPage(
  browser: Browser,
  width = 1024,
  height = 800,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed requests the page handles itself (401 on /me, 403 on a refused page) are logged by Chromium too.
    if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) problems.push(message.text());
  });
  return { context, page, problems };
}

/** Waits for the page's h1 to say `title` and to hold the focus (focus moves to it after each navigation). */
export async function heading(page: Page, title: string): Promise<void> {
  const h1 = page.locator('main h1');
  // A navigation may wait on scrypt (sign-up hashes, sign-in verifies): on a loaded machine that takes seconds.
  await expect.poll(() => h1.textContent(), { timeout: 20_000 }).toBe(title);
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: 20_000 }).toBe('H1');
}

/** Signs in through the page's form and waits for the apps page. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await heading(page, 'Sign in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Apps');
}

/**
 * What the browser tests of the web page share: a page that records every script error and CSP violation,
 * waiting for a page's heading, signing in, and screenshots under test-results/web/ (ignored by git).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../test/helpers/chromium.js';

/** Where screenshots go. */
export const SHOTS = join(process.cwd(), 'test-results', 'web');

/**
 * One Chromium for the test file, launched before its tests (when installed) and closed after them; answers a
 * getter for it. launch() gives every run a fresh, throw-away profile directory.
 */
export function fileBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!chromiumAvailable) return;
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium did not start');
    return browser;
  };
}

/** A page in a fresh context (its own cookies) that records any script error or CSP violation in `problems`. */
export async function openPage(
  browser: Browser,
  width = 1024,
  height = 800,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed requests the page handles itself (400 on a refused form, 401 on /me, 403 on a refused page, 409 on a refused change) are logged by Chromium too.
    if (message.type() === 'error' && !/status of 40[0139]/.test(message.text())) problems.push(message.text());
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

/** A full-page screenshot named `<prefix>-<name>.png`. */
export async function shot(page: Page, prefix: string, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${prefix}-${name}.png`), fullPage: true });
}

/** Signs in through the page's form and waits for the Apps page. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await heading(page, 'Sign in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Apps');
}

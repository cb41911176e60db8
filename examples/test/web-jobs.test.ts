/**
 * The Jobs page in a real browser against each example server, whose ISIN job ticks every second: pause (a
 * confirmation step first) → the next tick shows as skipped `paused` without a reload → Run now runs once →
 * resume → scheduled runs again; the ISIN page links to the job's history; keyboard use; 1280 and 390 px.
 * Screenshots go to test-results/web/ (ignored).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../../test/helpers/chromium.js';
import { fileBrowser, heading, openPage, SHOTS, shot, signIn } from './browser-page.js';
import { ADMIN, type Framework, startTestServer, type TestServer } from './harness.js';

const frameworks: Framework[] = ['fastify', 'express'];
const JOB = 'isin-sync';
const browser = fileBrowser();

/** The outcome cells of the history table, newest first. */
function outcomes(page: Page): Promise<string[]> {
  return page.locator('table.history tbody tr td:nth-child(4)').allTextContents();
}

/** The tick id cells of the history table, newest first. */
function tickIds(page: Page): Promise<string[]> {
  return page.locator('table.history tbody tr td:nth-child(6)').allTextContents();
}

/** Presses a confirmed action: the button, then (focus on it) the confirmation, by keyboard. */
async function confirmByKeyboard(page: Page, button: string, confirm: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).focus();
  await page.keyboard.press('Enter');
  const confirmButton = page.getByRole('button', { name: confirm, exact: true });
  await expect.poll(() => confirmButton.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.press('Enter');
}

for (const framework of frameworks) {
  describeWithChromium(`${framework} Jobs page`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer(framework, { ISIN_CRON: '* * * * * *', ISIN_TIMEZONE: 'Europe/Berlin' });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('pauses (after a confirmation), shows the skipped tick without a reload, runs now, resumes', async () => {
      const { context, page, problems } = await openPage(browser(), 1280, 800);
      try {
        await signIn(page, server.url, ADMIN.email, ADMIN.password);
        // From the ISIN page, its job's history.
        await page.getByRole('link', { name: 'ISIN sync' }).click();
        await heading(page, 'ISIN sync');
        await page.getByRole('link', { name: 'Run history' }).click();
        await heading(page, 'Jobs');
        expect(page.url()).toMatch(/#\/admin\/jobs\/isin-sync$/);
        await expect.poll(() => page.getByRole('heading', { name: `History of ${JOB}` }).count()).toBe(1);
        const card = page.locator('.card.job', { has: page.getByRole('heading', { name: JOB }) });
        const facts = card.locator('dl.facts');
        // Schedule and next tick in the job's own zone, named.
        expect(await facts.textContent()).toContain('* * * * * * (Europe/Berlin)');
        expect(await facts.locator('dd').nth(1).textContent()).toMatch(/GMT\+1|CET|GMT\+2|CEST/);
        // Scheduled runs arrive in the table by themselves.
        await expect.poll(() => outcomes(page), { timeout: 30_000 }).toContain('succeeded');

        // Pause: a first press only asks; Cancel leaves it running.
        await page.getByRole('button', { name: `Pause ${JOB}`, exact: true }).click();
        expect(await card.getByRole('group').textContent()).toContain('Its ticks are skipped until it is resumed');
        await shot(page, framework, 'jobs-confirm');
        await card.getByRole('button', { name: 'Cancel' }).click();
        expect(await card.getByRole('group').isHidden()).toBe(true);
        expect(await facts.textContent()).toContain('active');
        // Escape backs out too, and gives the focus back to the button.
        const pause = page.getByRole('button', { name: `Pause ${JOB}`, exact: true });
        await pause.press('Enter');
        await page.keyboard.press('Escape');
        expect(await card.getByRole('group').isHidden()).toBe(true);
        expect(await pause.evaluate((el) => el === document.activeElement)).toBe(true);
        await confirmByKeyboard(page, `Pause ${JOB}`, `Yes, pause ${JOB}`);
        await expect.poll(() => page.locator('#notice').textContent()).toBe(`Paused ${JOB}.`);
        await expect.poll(() => facts.textContent()).toContain('paused');
        // The next tick, skipped, shows up without a reload.
        await expect.poll(async () => (await outcomes(page))[0], { timeout: 30_000 }).toBe('skipped (paused)');
        await shot(page, framework, 'jobs-paused');

        // Run now while paused (a manual run ignores pause, and meets no scheduled run of the job): it runs once.
        await confirmByKeyboard(page, `Run ${JOB} now`, `Yes, run ${JOB} now`);
        await expect
          .poll(() => page.locator('#notice').textContent())
          .toMatch(/^Started isin-sync \(tick isin-sync@manual:/);
        const tickId = ((await page.locator('#notice').textContent()) ?? '').match(/tick (\S+)\)/)?.[1] ?? '';
        await expect
          .poll(async () => (await tickIds(page)).filter((id) => id === tickId).length, { timeout: 30_000 })
          .toBe(1);
        const row = page.locator('table.history tbody tr', { hasText: tickId });
        expect(await row.locator('td').nth(3).textContent()).toBe('succeeded manual');

        await confirmByKeyboard(page, `Resume ${JOB}`, `Yes, resume ${JOB}`);
        await expect.poll(() => page.locator('#notice').textContent()).toBe(`Resumed ${JOB}.`);
        await expect.poll(async () => (await outcomes(page))[0], { timeout: 30_000 }).toBe('succeeded');

        await shot(page, framework, 'jobs-1280');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('is readable at 390 px: the page does not scroll sideways, the history table scrolls on its own, older runs load', async () => {
      const { context, page, problems } = await openPage(browser(), 390, 844);
      try {
        await signIn(page, server.url, ADMIN.email, ADMIN.password);
        await page.getByRole('link', { name: 'Jobs' }).click();
        await heading(page, 'Jobs');
        await expect.poll(async () => (await tickIds(page)).length, { timeout: 30_000 }).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await shot(page, framework, 'jobs-390');
        // A full page of runs offers older ones (the job has ticked every second since the server started).
        const older = page.getByRole('button', { name: 'Show older runs' });
        await expect.poll(() => older.isVisible(), { timeout: 40_000 }).toBe(true);
        await older.press('Enter');
        await expect.poll(async () => (await tickIds(page)).length, { timeout: 20_000 }).toBeGreaterThan(20);
        await page.screenshot({ path: join(SHOTS, `${framework}-jobs-390-top.png`) });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}

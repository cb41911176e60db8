/**
 * The operator console in a real browser, against each example server: the review queue names the submitter
 * and the app (a hidden one too) and opens the proof at full size in a dialog; a hidden app is listed again
 * from the page; a user is made admin after a confirmation, by keyboard; the notice never covers a control,
 * is dismissed and hides by itself; times carry their zone; no server path on the ISIN page; a field's name
 * is read once in an error. Screenshots at 1280×800 and 390 px go to test-results/web/ (ignored by git).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../../test/helpers/chromium.js';
import { fileBrowser, heading, openPage, shot, signIn } from './browser-page.js';
import { ADMIN, client, type Framework, startTestServer, type TestServer } from './harness.js';
import { makePng } from './png.js';

const frameworks: Framework[] = ['fastify', 'express'];

const browser = fileBrowser();

/** Whether two elements' boxes overlap on screen. */
async function overlaps(page: Page, a: string, b: string): Promise<boolean> {
  const [x, y] = [await page.locator(a).boundingBox(), await page.locator(b).boundingBox()];
  if (!x || !y) return false;
  return x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height;
}

/** The page is no wider than the viewport: nothing to scroll sideways. */
async function fitsWidth(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

for (const framework of frameworks) {
  describeWithChromium(`${framework} operator console`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    let ann: { token: string; user: { id: string } };
    let atlas: string;

    beforeAll(async () => {
      // Room for a screenshot larger than the viewport (the other tests keep the 64 KiB cap).
      server = await startTestServer(framework, { UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) });
      http = client(server.url);
      // Through the API: an app, a user's screenshot for it, then the app hidden.
      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      const created = await http.post(
        '/apps',
        {
          name: 'Atlas',
          packageName: `com.example.atlas${framework}`,
          storeUrl: 'https://play.google.com/store/apps/details?id=atlas',
          category: 'Travel',
          points: 40,
        },
        admin,
      );
      atlas = created.body.id;
      ann = await http.signUp(`ann-${framework}@example.com`, 'Ann Example');
      const task = (await http.post(`/apps/${atlas}/claim`, undefined, ann.token)).body.id;
      expect((await http.upload(`/tasks/${task}/proof`, makePng(900, 1400, 5), ann.token)).status).toBe(200);
      expect((await http.patch(`/apps/${atlas}`, { active: false }, admin)).status).toBe(200);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('reviews with names and a full-size proof, lists an app again, promotes a user, at 1280×800', async () => {
      const { context, page, problems } = await openPage(browser(), 1280, 800);
      try {
        await signIn(page, server.url, ADMIN.email, ADMIN.password);

        // Review: the submitter by name and e-mail, the hidden app by its name, never a bare id.
        await page.getByRole('link', { name: 'Review' }).click();
        await heading(page, 'Review screenshots');
        const card = page.locator('.card', { has: page.getByRole('heading', { name: 'Atlas' }) });
        await expect.poll(() => card.count()).toBe(1);
        const text = (await card.textContent()) ?? '';
        expect(text).toContain('Ann Example');
        expect(text).toContain(`<ann-${framework}@example.com>`);
        expect(text).not.toContain(ann.user.id);
        // Times say their zone (the browser's: UTC here).
        expect(text).toMatch(/Sent .*\d{2}:\d{2}.*(UTC|GMT)/);
        await shot(page, framework, 'console-review');

        // The proof at full size in a modal dialog; Escape closes it and the focus returns.
        const enlarge = card.getByRole('button', { name: /at full size$/ });
        await enlarge.click();
        const dialog = page.getByRole('dialog', { name: 'Screenshot from Ann Example for Atlas' });
        await expect.poll(() => dialog.isVisible()).toBe(true);
        const full = dialog.getByRole('img');
        await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(900);
        // Shown at its own size (scrolling inside the dialog), not shrunk like the card's thumbnail.
        expect(await full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width)).toBe(900);
        await shot(page, framework, 'console-review-full-size');
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.isVisible()).toBe(false);
        expect(await enlarge.evaluate((button) => button === document.activeElement)).toBe(true);

        // Apps: the hidden app under "Not listed", listed again from there.
        await page.getByRole('link', { name: 'Manage apps' }).click();
        await heading(page, 'Manage apps');
        expect(await page.locator('.cards h3').allTextContents()).not.toContain('Atlas');
        await page.getByLabel('Not listed').check();
        await expect.poll(() => page.locator('.cards h3').allTextContents()).toEqual(['Atlas']);
        await shot(page, framework, 'console-apps-hidden');
        await page.getByRole('button', { name: 'List Atlas again' }).click();
        await expect.poll(() => page.locator('#notice').textContent()).toBe('Listed Atlas again: users see it now.');
        // The page stays on "Not listed", now empty, and says what that list is for.
        await expect.poll(() => page.locator('p.empty').textContent()).toMatch(/^No app is hidden\./);
        const listed = await http.get('/apps', ann.token);
        expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(atlas);

        // The notice sits in the flow, over no control, and goes away on Dismiss.
        expect(await overlaps(page, '#notice-bar', 'form button[type=submit]')).toBe(false);
        await page.getByLabel('All', { exact: true }).check();
        await page.getByLabel('Name', { exact: true }).fill('Birch');
        await page.getByLabel('Android package name').fill(`com.example.birch${framework}`);
        await page.getByLabel('Store URL (https)').fill('https://play.google.com/store/apps/details?id=birch');
        await page.getByLabel('Category', { exact: true }).fill('Tools');
        await page.getByLabel('Points').fill('5');
        await page.getByRole('button', { name: 'Add app' }).click();
        await expect.poll(() => page.locator('#notice').textContent()).toBe('Added Birch.');
        for (const control of ['form button[type=submit]', '.cards button >> nth=0']) {
          expect(await overlaps(page, '#notice-bar', control), control).toBe(false);
        }
        await shot(page, framework, 'console-notice');
        await page.getByRole('button', { name: 'Dismiss' }).click();
        await expect.poll(() => page.locator('#notice-bar').isVisible()).toBe(false);

        // Users: search, then make Ann an admin by keyboard, after confirming.
        await page.getByRole('link', { name: 'Users' }).click();
        await heading(page, 'Users');
        await page.getByLabel('Search by name or e-mail').fill('ANN-');
        await page.keyboard.press('Enter');
        // Only Ann once the search has answered (the admin's row was there before it).
        await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
        const row = page.getByRole('row', { name: /Ann Example/ });
        expect(await row.count()).toBe(1);
        await shot(page, framework, 'console-users');
        await row.getByRole('button', { name: 'Make admin: Ann Example' }).focus();
        await page.keyboard.press('Enter');
        const confirm = page.getByRole('dialog', { name: /^Make Ann Example/ });
        await expect.poll(() => confirm.isVisible()).toBe(true);
        await shot(page, framework, 'console-users-confirm');
        // Focus starts on Cancel; one step back is the confirming button.
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('#notice').textContent()).toBe('Ann Example is an admin now.');
        await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('admin');
        expect((await http.get('/admin/users?limit=1', ann.token)).status).toBe(200);

        // The notice hides by itself after a while.
        await page.clock.install();
        await page.getByLabel('Search by name or e-mail').fill('');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
        await row.getByRole('button', { name: 'Make regular user: Ann Example' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Make regular user' }).click();
        await expect.poll(() => page.locator('#notice').textContent()).toBe('Ann Example is a regular user now.');
        await page.clock.runFor(13_000);
        await expect.poll(() => page.locator('#notice-bar').isVisible()).toBe(false);

        // The ISIN page names the list by its file name, never a server directory.
        await page.getByRole('link', { name: 'ISIN sync' }).click();
        await heading(page, 'ISIN sync');
        const facts = (await page.locator('dl.facts').first().textContent()) ?? '';
        expect(facts).toContain('isin-sample.csv');
        expect(await page.locator('main').textContent()).not.toContain(process.cwd());
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('is usable at 390 px: users, review, apps; a field error names the field once', async () => {
      const { context, page, problems } = await openPage(browser(), 390, 800);
      try {
        // The sign-up error reads "Password must …", not "Password: Password must …".
        await page.goto(`${server.url}/#/register`);
        await heading(page, 'Sign up');
        await page.getByLabel('Name').fill('Phone');
        await page.getByLabel('E-mail').fill(`phone-${framework}@example.com`);
        // The field's accessible name is its label alone; the hint is its description.
        const password = page.getByLabel('Password', { exact: true });
        expect(await password.count()).toBe(1);
        expect(await password.evaluate((el) => el.getAttribute('aria-describedby'))).toBe('password-hint');
        await password.fill('zzzzzzzzzzzz');
        await page.getByRole('button', { name: 'Create account' }).click();
        await expect
          .poll(() => page.getByRole('alert').textContent())
          .toBe('Please check: Password must not repeat a single character.');
        await shot(page, framework, 'console-phone-register-error');

        await signIn(page, server.url, ADMIN.email, ADMIN.password);
        for (const [link, title, name] of [
          ['Users', 'Users', 'users'],
          ['Review', 'Review screenshots', 'review'],
          ['Manage apps', 'Manage apps', 'apps'],
        ] as const) {
          await page.getByRole('link', { name: link }).click();
          await heading(page, title);
          await page.waitForLoadState('networkidle');
          await fitsWidth(page, 390);
          await shot(page, framework, `console-phone-${name}`);
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}

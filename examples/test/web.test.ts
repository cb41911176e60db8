/**
 * The web page in a real browser (Debian's Chromium driven by playwright-core) against each example server
 * started in-process: the whole journey through the page, refused uploads, an admin page refused to a user,
 * phone width, and the cookie, Origin and CSP rules over plain HTTP. Screenshots go to test-results/web/.
 */

import { isTickworkError } from 'tickwork';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithChromium } from '../../test/helpers/chromium.js';
import { CSP_DIRECTIVES, checkOrigin } from '../shared/browser-security.js';
import { cookieToken, requestToken, sessionCookie } from '../shared/browser-session.js';
import { fileBrowser, heading, openPage as openBrowserPage, shot, signIn } from './browser-page.js';
import { ADMIN, client, type Framework, startTestServer, type TestServer, UPLOAD_MAX_BYTES } from './harness.js';
import { makePng } from './png.js';

const frameworks: Framework[] = ['fastify', 'express'];

const browser = fileBrowser();

/** A page of the shared browser; see browser-page.ts. */
const openPage = (width?: number) => openBrowserPage(browser(), width);

describe('browser session and security helpers', () => {
  it('adds Secure to the cookie over https and reads the token back from a Cookie header', () => {
    const expires = new Date(Date.now() + 60_000);
    expect(sessionCookie('abc', expires, true)).toMatch(/; Secure; Max-Age=(59|60); Expires=/);
    expect(sessionCookie('abc', expires, false)).not.toContain('Secure');
    expect(cookieToken('a=1; tickwork_session=abc; b=2')).toBe('abc');
    expect(cookieToken('tickwork_session=<script>')).toBeUndefined();
    expect(cookieToken(undefined)).toBeUndefined();
    expect(requestToken({ cookie: 'tickwork_session=abc' })).toBe('abc');
    // A bearer header wins over the cookie, and a malformed one is not silently replaced by it.
    expect(requestToken({ authorization: 'Bearer xyz', cookie: 'tickwork_session=abc' })).toBe('xyz');
    expect(() => requestToken({ authorization: 'Basic xyz', cookie: 'tickwork_session=abc' })).toThrow();
  });

  it('checks Origin only where a browser could be made to send a request', () => {
    const base = { method: 'POST', secure: false };
    const cookie = 'tickwork_session=abc';
    const refused = (request: Parameters<typeof checkOrigin>[0]) => {
      try {
        checkOrigin(request);
        return false;
      } catch (error) {
        return isTickworkError(error, 'FORBIDDEN');
      }
    };
    expect(refused({ ...base, headers: { host: 'a.test', origin: 'http://a.test', cookie } })).toBe(false);
    expect(refused({ ...base, headers: { host: 'a.test', origin: 'https://a.test', cookie } })).toBe(true);
    expect(refused({ ...base, secure: true, headers: { host: 'a.test', origin: 'https://a.test', cookie } })).toBe(
      false,
    );
    expect(refused({ ...base, headers: { host: 'a.test', origin: 'null', cookie } })).toBe(true);
    expect(refused({ ...base, headers: { host: 'a.test', cookie, 'sec-fetch-site': 'same-origin' } })).toBe(false);
    expect(refused({ ...base, headers: { host: 'a.test', cookie, 'sec-fetch-site': 'cross-site' } })).toBe(true);
    expect(refused({ ...base, headers: { host: 'a.test' } })).toBe(false);
    expect(refused({ ...base, headers: { host: 'a.test', authorization: 'Bearer t', origin: 'http://b.test' } })).toBe(
      false,
    );
    expect(refused({ ...base, method: 'GET', headers: { host: 'a.test', origin: 'http://b.test', cookie } })).toBe(
      false,
    );
  });
});

for (const framework of frameworks) {
  describeWithChromium(`${framework} web page`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;

    beforeAll(async () => {
      server = await startTestServer(framework);
      http = client(server.url);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('runs the journey: sign up, claim, refused files, upload, forbidden admin page, review, points', async () => {
      const admin = await openPage();
      const user = await openPage();
      try {
        // The admin lists two apps through the page.
        await signIn(admin.page, server.url, ADMIN.email, ADMIN.password);
        await admin.page.getByRole('link', { name: 'Manage apps' }).click();
        await heading(admin.page, 'Manage apps');
        for (const [name, points] of [
          ['Notes', '120'],
          ['Weather', '30'],
        ] as const) {
          await admin.page.getByLabel('Name', { exact: true }).fill(name);
          await admin.page.getByLabel('Android package name').fill(`com.example.${name.toLowerCase()}`);
          await admin.page
            .getByLabel('Store URL (https)')
            .fill(`https://play.google.com/store/apps/details?id=${name}`);
          await admin.page.getByLabel('Category', { exact: true }).fill('Productivity');
          await admin.page.getByLabel('Points').fill(points);
          await admin.page.getByRole('button', { name: 'Add app' }).click();
          await expect.poll(() => admin.page.locator('#notice').textContent()).toBe(`Added ${name}.`);
        }
        await expect.poll(() => admin.page.locator('.cards h3').allTextContents()).toEqual(['Notes', 'Weather']);
        // Editing: a new sub-category, saved with the version the page read.
        await admin.page.getByRole('button', { name: 'Edit Weather' }).click();
        await admin.page.getByLabel('Sub-category (optional)').fill('Forecasts');
        await admin.page.getByRole('button', { name: 'Save Weather' }).click();
        await expect.poll(() => admin.page.locator('#notice').textContent()).toBe('Saved Weather.');
        await shot(admin.page, framework, 'admin-apps');

        // A user signs up through the page and is signed in by cookie, which scripts cannot read.
        await user.page.goto(server.url);
        await heading(user.page, 'Sign in');
        await shot(user.page, framework, 'login');
        await user.page.getByRole('link', { name: 'Create an account' }).click();
        await heading(user.page, 'Sign up');
        await user.page.getByLabel('Name').fill('Ann <b>Example</b>');
        await user.page.getByLabel('E-mail').fill('ann@example.com');
        await user.page.getByLabel('Password').fill('ann-secret-password');
        await shot(user.page, framework, 'register');
        await user.page.getByRole('button', { name: 'Create account' }).click();
        await heading(user.page, 'Apps');
        expect(await user.page.evaluate(() => document.cookie)).toBe('');
        // The name went in as text: the markup in it shows as typed and makes no element.
        expect(await user.page.getByRole('button', { name: /Sign out/ }).textContent()).toBe(
          'Sign out (Ann <b>Example</b>)',
        );
        expect(await user.page.locator('nav b').count()).toBe(0);
        await expect.poll(() => user.page.locator('.cards .card').count()).toBe(2);
        await shot(user.page, framework, 'apps');

        // Claim both apps.
        await user.page.getByRole('button', { name: 'Claim Notes' }).click();
        await heading(user.page, 'My tasks');
        expect(await user.page.locator('#notice').textContent()).toContain('Claimed Notes');
        await user.page.getByRole('link', { name: 'Apps' }).click();
        await heading(user.page, 'Apps');
        await user.page.getByRole('button', { name: 'Claim Weather' }).click();
        await heading(user.page, 'My tasks');
        const notes = user.page.locator('.card', { has: user.page.getByRole('heading', { name: 'Notes' }) });
        const weather = user.page.locator('.card', { has: user.page.getByRole('heading', { name: 'Weather' }) });

        // Refused in the browser before sending: an SVG (by its bytes, whatever its name) and a file too large.
        const fileInput = notes.getByLabel(/^Screenshot/);
        await fileInput.setInputFiles({
          name: 'shot.png',
          mimeType: 'image/png',
          buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        });
        await expect
          .poll(() => notes.getByRole('alert').textContent())
          .toBe('shot.png is not a PNG, JPEG or WebP image. Choose a screenshot in one of those.');
        expect(await notes.getByRole('button', { name: 'Send screenshot' }).isDisabled()).toBe(true);
        await fileInput.setInputFiles({
          name: 'huge.png',
          mimeType: 'image/png',
          buffer: makePng(8, 8, 1, UPLOAD_MAX_BYTES),
        });
        await expect
          .poll(() => notes.getByRole('alert').textContent())
          .toMatch(/^huge\.png is 64\.\d KiB; screenshots may be at most 64 KiB\.$/);
        expect(await notes.getByRole('button', { name: 'Send screenshot' }).isDisabled()).toBe(true);
        await shot(user.page, framework, 'tasks-refused-file');

        // A real PNG: previewed, then sent.
        await fileInput.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: makePng(160, 100, 2) });
        await expect.poll(() => notes.locator('img.preview').isVisible()).toBe(true);
        expect(await notes.locator('img.preview').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
        await shot(user.page, framework, 'tasks-preview');
        await notes.getByRole('button', { name: 'Send screenshot' }).click();
        await expect
          .poll(() => user.page.locator('#notice').textContent())
          .toBe('Screenshot sent. An admin will review it.');
        await expect.poll(() => notes.locator('.badge').textContent()).toBe('submitted');
        // The second one dropped on the drop zone, as a file dragged from the desktop arrives.
        await weather.locator('.drop').evaluate(
          (zone, base64) => {
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], 'weather.png', { type: 'image/png' }));
            zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
          },
          makePng(100, 160, 3).toString('base64'),
        );
        await expect.poll(() => weather.locator('img.preview').isVisible()).toBe(true);
        await weather.getByRole('button', { name: 'Send screenshot' }).click();
        await expect.poll(() => weather.locator('.badge').textContent()).toBe('submitted');

        // An admin page is refused to a user by the server, and the page says so in words.
        await user.page.goto(`${server.url}/#/admin/review`);
        await heading(user.page, 'Review screenshots');
        await expect
          .poll(() => user.page.getByRole('alert').textContent())
          .toMatch(/^You are not allowed to do this\./);
        expect(await user.page.getByRole('link', { name: 'Review' }).count()).toBe(0);
        await shot(user.page, framework, 'forbidden-admin');

        // The admin sees both proofs (loaded with the cookie), approves one and rejects the other with a reason.
        await admin.page.getByRole('link', { name: 'Review' }).click();
        await heading(admin.page, 'Review screenshots');
        await expect.poll(() => admin.page.locator('.cards .card').count()).toBe(2);
        await expect
          .poll(() =>
            admin.page
              .locator('img.proof')
              .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)),
          )
          .toEqual(expect.arrayContaining([160, 100]));
        await shot(admin.page, framework, 'admin-review');
        await admin.page
          .getByRole('button', { name: 'Approve the screenshot from Ann <b>Example</b> for Notes' })
          .click();
        await expect
          .poll(() => admin.page.locator('#notice').textContent())
          .toBe('Approved: 120 points awarded to Ann <b>Example</b> for Notes.');
        await expect.poll(() => admin.page.locator('.cards .card').count()).toBe(1);
        await admin.page
          .getByLabel('Reason for rejecting (shown to the user)')
          .fill('The screenshot shows another app');
        await admin.page.getByRole('button', { name: /^Reject the screenshot/ }).click();
        await expect.poll(() => admin.page.locator('main p').first().textContent()).toMatch(/^Nothing to review\./);

        // The ISIN sync status, and a sync on demand.
        await admin.page.getByRole('link', { name: 'ISIN sync' }).click();
        await heading(admin.page, 'ISIN sync');
        // The start-up sync stored the bundled list: its diff against nothing is 20 ISINs added.
        await expect.poll(() => admin.page.getByRole('heading', { name: 'Added ISINs (sample)' }).count()).toBe(1);
        await shot(admin.page, framework, 'admin-isin');
        await admin.page.getByRole('button', { name: 'Sync now' }).click();
        await expect.poll(() => admin.page.locator('#notice').textContent()).toBe('ISIN sync finished.');
        expect(await admin.page.locator('dl.facts').first().textContent()).toContain('20 ISINs');
        await shot(admin.page, framework, 'admin-isin-synced');

        // The user sees the points, the approved task and the reviewer's reason on the rejected one.
        await user.page.getByRole('link', { name: 'My points' }).click();
        await heading(user.page, 'My points');
        await expect.poll(() => user.page.getByTestId('balance').textContent()).toBe('120 points');
        expect(await user.page.locator('tbody td.num').allTextContents()).toEqual(['+120']);
        await shot(user.page, framework, 'points');
        await user.page.getByRole('link', { name: 'My tasks' }).click();
        await heading(user.page, 'My tasks');
        await expect.poll(() => notes.locator('.badge').textContent()).toBe('approved');
        expect(await weather.locator('.badge').textContent()).toBe('rejected');
        expect(await weather.textContent()).toContain("Reviewer's reason: The screenshot shows another app");
        // A rejected task takes a new screenshot.
        expect(await weather.getByLabel(/^Screenshot/).count()).toBe(1);
        await shot(user.page, framework, 'tasks');

        // Signing out ends the session on the server too.
        await user.page.getByRole('button', { name: /Sign out/ }).click();
        await heading(user.page, 'Sign in');
        await user.page.goto(`${server.url}/#/points`);
        await heading(user.page, 'Sign in');

        expect(admin.problems).toEqual([]);
        expect(user.problems).toEqual([]);
      } finally {
        await admin.context.close();
        await user.context.close();
      }
    });

    it('is readable and usable by keyboard at 375 px', async () => {
      const phone = await openPage(375);
      try {
        await phone.page.goto(server.url);
        await heading(phone.page, 'Sign in');
        // Keyboard only: tab to the fields, type, press Enter.
        await phone.page.getByLabel('E-mail').focus();
        await phone.page.keyboard.type(ADMIN.email);
        await phone.page.keyboard.press('Tab');
        await phone.page.keyboard.type(ADMIN.password);
        await phone.page.keyboard.press('Enter');
        await heading(phone.page, 'Apps');
        await expect.poll(() => phone.page.locator('.cards .card').count()).toBeGreaterThan(0);
        expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        await shot(phone.page, framework, 'phone-apps');
        await phone.page.getByRole('link', { name: 'ISIN sync' }).click();
        await heading(phone.page, 'ISIN sync');
        expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        await shot(phone.page, framework, 'phone-isin');
        expect(phone.problems).toEqual([]);
      } finally {
        await phone.context.close();
      }
    });

    it('keeps the session in an HttpOnly SameSite=Strict cookie, checks Origin and sends the CSP', async () => {
      const page = await http.send('GET', '/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = page.bytes.toString('utf8');
      // No inline script: every <script> has a src.
      expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/app.js">']);
      const csp = page.headers.get('content-security-policy') ?? '';
      for (const [name, values] of Object.entries(CSP_DIRECTIVES)) expect(csp).toContain(`${name} ${values.join(' ')}`);
      expect(csp).not.toContain('unsafe-inline');
      expect((await http.get('/healthz')).headers.get('content-security-policy')).toBe(csp);
      expect((await http.get('/app.js')).headers.get('content-type')).toMatch(/javascript/);
      expect((await http.get('/no-such-file.js')).body.error.code).toBe('NOT_FOUND');

      const email = `cookie-${framework}@example.com`;
      const password = 'cookie-secret-password';
      expect((await http.post('/auth/register', { email, password, name: 'Cookie' })).status).toBe(201);
      const login = await http.post('/auth/login', { email, password });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^tickwork_session=[A-Za-z0-9_-]+;/);
      const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'samesite=strict']));
      // Plain HTTP: no Secure attribute (the browser would drop the cookie).
      expect(attributes).not.toContain('secure');
      const cookie = setCookie.split(';')[0] ?? '';
      expect(cookie.slice('tickwork_session='.length)).toBe(login.body.token);

      // The cookie signs reads in; bearer tokens still work for API clients.
      expect((await http.send('GET', '/me', { headers: { cookie } })).status).toBe(200);
      expect((await http.get('/me', login.body.token)).status).toBe(200);

      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      const created = await http.post(
        '/apps',
        {
          name: 'Origin',
          packageName: `com.example.origin${framework}`,
          storeUrl: 'https://example.com/origin',
          category: 'Tools',
          points: 5,
        },
        admin,
      );
      expect(created.status).toBe(201);
      const claim = `/apps/${created.body.id}/claim`;
      // Another site's form or script: refused before anything changes.
      const forged = await http.send('POST', claim, { headers: { cookie, origin: 'http://evil.example' } });
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe('FORBIDDEN');
      expect((await http.send('POST', claim, { headers: { cookie } })).status).toBe(403);
      expect(
        (
          await http.send('POST', '/auth/login', {
            json: { email, password },
            headers: { origin: 'http://evil.example' },
          })
        ).status,
      ).toBe(403);
      expect((await http.get('/me/tasks', login.body.token)).body.items).toEqual([]);
      // From the page's own origin it goes through.
      const origin = new URL(server.url).origin;
      expect((await http.send('POST', claim, { headers: { cookie, origin } })).status).toBe(201);

      const logout = await http.send('POST', '/auth/logout', { headers: { cookie, origin } });
      expect(logout.status).toBe(204);
      expect(logout.headers.get('set-cookie')).toMatch(/^tickwork_session=;.*Max-Age=0/);
      expect((await http.send('GET', '/me', { headers: { cookie } })).status).toBe(401);
    });
  });
}

/**
 * The built documentation site in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Opens the home page and every guide from the navigation, checks the navigation order and titles, that no
 * page logs a console error or is wider than the window, that images render, and that every same-site link answers 200 (and its
 * `#fragment`, if any, exists on the target page). Screenshots go to test-results/site/ (git-ignored).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../helpers/chromium.js';
import { guideTitle, root, typedocConfig } from './guides.js';
import { ensureSite, type SiteServer, serveSite, siteDir } from './site-server.js';

const shots = join(root, 'test-results', 'site');

/** What one visit found. */
interface Visit {
  /** Console errors, uncaught exceptions and failed same-site requests. */
  errors: string[];
  /** Absolute URLs of every link, image, script and stylesheet on the page. */
  links: string[];
}

async function visit(page: Page, url: string, shot: string): Promise<Visit> {
  const errors: string[] = [];
  const origin = new URL(url).origin;
  page.removeAllListeners();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(origin)) errors.push(`request failed: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 400) {
      errors.push(`${response.status()}: ${response.url()}`);
    }
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status(), url).toBe(200);
  // The navigation tree is rendered by the site's script after load.
  await page.waitForSelector('#tsd-nav-container a', { timeout: 10_000 });
  const broken = await page.$$eval('img', (images) =>
    images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
  );
  errors.push(...broken.map((src) => `image did not render: ${src}`));
  const untitled = await page.$$eval('.tsd-page-navigation a', (anchors) =>
    anchors.filter((a) => !a.textContent?.trim()).map((a) => (a as HTMLAnchorElement).hash),
  );
  errors.push(...untitled.map((hash) => `"On This Page" entry without text: ${hash} (a heading of only code?)`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) errors.push(`page is ${overflow}px wider than the window`);
  const links = await page.$$eval('a[href], img[src], script[src], link[href]', (elements) =>
    elements.map((e) => (e as HTMLAnchorElement).href || (e as HTMLImageElement).src).filter(Boolean),
  );
  await page.screenshot({ path: join(shots, `${shot}.png`), fullPage: true, timeout: 20_000 });
  return { errors, links };
}

describeWithChromium('documentation site in Chromium', () => {
  let server: SiteServer;
  let browser: Browser;
  let page: Page;
  const found = new Set<string>();

  beforeAll(async () => {
    ensureSite();
    rmSync(shots, { recursive: true, force: true });
    mkdirSync(shots, { recursive: true });
    server = await serveSite();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The guides as the navigation lists them: title and absolute URL, top to bottom. */
  async function navigationGuides(): Promise<{ title: string; url: string }[]> {
    const entries = await page.$$eval('#tsd-nav-container a', (anchors) =>
      anchors.map((a) => ({ title: a.textContent?.trim() ?? '', url: (a as HTMLAnchorElement).href })),
    );
    return entries.filter((e) => new URL(e.url).pathname.includes('/documents/'));
  }

  it('documents TickworkError without its internal brand (marked @internal, dropped by excludeInternal)', () => {
    const html = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return html(path);
        return entry.name.endsWith('.html') ? [path] : [];
      });
    const page = html(join(siteDir, 'classes')).find((path) => path.endsWith('TickworkError.html'));
    expect(readFileSync(page as string, 'utf8')).toContain('toJSON');
    expect(html(siteDir).filter((path) => readFileSync(path, 'utf8').includes('BRAND'))).toEqual([]);
  });

  it('opens the home page without errors and lists the guides in order', async () => {
    const home = await visit(page, server.url, '00-home');
    expect(home.errors).toEqual([]);
    for (const link of home.links) found.add(link);
    expect(await page.title()).toContain('tickwork');
    const titles = typedocConfig().projectDocuments.map((path) => guideTitle(path));
    expect((await navigationGuides()).map((g) => g.title)).toEqual(titles);
  });

  it('opens every guide without errors', async () => {
    await page.goto(server.url);
    await page.waitForSelector('#tsd-nav-container a');
    const guides = await navigationGuides();
    expect(guides.length).toBe(typedocConfig().projectDocuments.length);
    const problems: string[] = [];
    let n = 1;
    for (const guide of guides) {
      const slug = guide.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const result = await visit(page, guide.url, `${String(n++).padStart(2, '0')}-${slug}`);
      problems.push(...result.errors.map((e) => `${guide.title}: ${e}`));
      expect(await page.locator('.col-content h1').first().textContent(), guide.url).toBeTruthy();
      for (const link of result.links) found.add(link);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('answers 200 for every same-site link of those pages, and every #fragment exists', async () => {
    const origin = new URL(server.url).origin;
    const bodies = new Map<string, string>();
    const problems: string[] = [];
    const sameSite = [...found].filter((link) => link.startsWith(origin));
    expect(sameSite.length).toBeGreaterThan(20);
    for (const link of sameSite) {
      const url = new URL(link);
      const fragment = decodeURIComponent(url.hash.slice(1));
      url.hash = '';
      let body = bodies.get(url.href);
      if (body === undefined) {
        const response = await fetch(url);
        body = await response.text();
        if (response.status !== 200) problems.push(`${response.status} ${url.href}`);
        bodies.set(url.href, body);
      }
      if (fragment && url.pathname.endsWith('.html') && !body.includes(`id="${fragment}"`)) {
        problems.push(`missing #${fragment} in ${url.pathname}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

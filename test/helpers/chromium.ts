/** Debian's Chromium for the browser tests (the docs site and the example web page), driven by playwright-core. */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describeWithService } from './services.js';

/** `CHROMIUM_PATH`, default Debian's `/usr/bin/chromium` (installed by `.ci/run`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser is installed. */
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

/** `describe` that needs Chromium: fails in CI without it, skips loudly elsewhere. */
export const describeWithChromium = describeWithService('Chromium', chromiumAvailable, CHROMIUM_PATH);

/**
 * Launches headless Chromium with a fresh throw-away profile. The flags keep it off the network: without
 * them it keeps trying to reach update and sync services, which this machine refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

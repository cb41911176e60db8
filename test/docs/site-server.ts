/**
 * Builds the documentation site when it is missing or older than its sources, and serves it from a loopback
 * HTTP server, so the browser test sees it exactly as a static host would.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { root } from './guides.js';

/** Where typedoc writes the site. */
export const siteDir = join(root, 'docs', 'api');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (join(path, entry) === siteDir) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether docs/api is missing or older than the README, the guides, typedoc.json or the sources. */
export function siteIsStale(): boolean {
  const index = join(siteDir, 'index.html');
  if (!existsSync(index)) return true;
  const inputs = ['README.md', 'typedoc.json', 'docs', 'src', 'adapters'].map((p) => newestMtime(join(root, p)));
  return Math.max(...inputs) > statSync(index).mtimeMs;
}

/** Runs typedoc (warnings are errors, as in `npm run docs`) when the site is stale. */
export function ensureSite(): void {
  if (!siteIsStale()) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** A static server over docs/api on 127.0.0.1 and an ephemeral port. */
export interface SiteServer {
  /** Base URL, ending in `/`. */
  readonly url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Serves docs/api: files by path, `index.html` for directories, 404 for anything else. */
export async function serveSite(): Promise<SiteServer> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = normalize(join(siteDir, path));
    if (file !== siteDir && !file.startsWith(siteDir + sep)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * `npm start` under a supervisor: npm gets SIGTERM and passes it only to the shell running the script, or npm
 * is killed outright and passes nothing on; either way the server must not live on as an orphan. It notices
 * that the shell or npm has gone, shuts down cleanly and exits (examples/shared/parent-watch.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './child.js';

/** Whether `pid` still runs: it exists and is not a zombie waiting for a parent to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: the state follows the parenthesised command name in /proc/<pid>/stat; `Z` is a zombie.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('npm start', () => {
  const cases = [
    { script: 'start', signal: 'SIGTERM' },
    { script: 'start:express', signal: 'SIGTERM' },
    // npm dies without passing anything on: the script's shell stays, and only npm's end tells the server.
    { script: 'start', signal: 'SIGKILL' },
  ] as const;
  for (const { script, signal } of cases) {
    it(`npm run ${script}: ${signal} to npm leaves no server process behind`, async () => {
      const npm = spawn('npm', ['run', '-s', script], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ADMIN_PASSWORD: 'npm-start-admin-password' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stderr.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      // The server's pid, from its first JSON log line (pino writes it on every line).
      const serverPid = await new Promise<number>((resolve, reject) => {
        let listening = false;
        let pid: number | undefined;
        npm.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          listening ||= out.includes('listening on http://');
          pid ??= Number(/"pid":(\d+)/.exec(out)?.[1]) || undefined;
          if (listening && pid) resolve(pid);
        });
        npm.once('exit', (code) => reject(new Error(`npm exited with ${code} before listening:\n${out}`)));
      });
      try {
        expect(serverPid).not.toBe(npm.pid);
        npm.kill(signal);
        // Waits on the condition; the bound only keeps a broken build from hanging the suite.
        for (let i = 0; alive(serverPid); i++) {
          expect(i, out.slice(-3000)).toBeLessThan(600);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(out).toContain('"msg":"shut down cleanly"');
      } finally {
        if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      }
      // Starting through npm and tsx, then stopping, can take long on a loaded machine: the bounds are generous.
    }, 120_000);
  }
});

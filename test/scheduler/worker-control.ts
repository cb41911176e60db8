/**
 * The fleet-console side of the fleet workers (`fleet-worker.ts`, `postgres-fleet-worker.ts`): when the
 * worker was spawned with an IPC channel, the parent can pause, resume and trigger a job and read its history
 * and status through this process's scheduler, and hears of every skipped tick and finished run.
 */
import type { Scheduler } from '../../src/scheduler/index.js';

/** A command from the test to a worker. */
export type ControlCommand =
  | { readonly id: number; readonly op: 'pause' | 'resume' | 'trigger' | 'trigger-here' | 'jobs' }
  | { readonly id: number; readonly op: 'history'; readonly limit: number };

/** What a worker tells the test. */
export type WorkerReport =
  | { readonly type: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string }
  | { readonly type: 'skipped'; readonly tickId: string; readonly reason: string; readonly at: number }
  | { readonly type: 'ended'; readonly tickId: string; readonly outcome: string; readonly at: number };

/** Serves the test's commands for job `name` over the IPC channel, if there is one. */
export function serveControl(scheduler: Scheduler, name: string): void {
  const send = process.send?.bind(process);
  if (!send) return;
  const report = (message: WorkerReport) => void send(message);
  scheduler.on('run:skipped', (e) => report({ type: 'skipped', tickId: e.tickId, reason: e.reason, at: Date.now() }));
  scheduler.on('run:success', (e) => report({ type: 'ended', tickId: e.tickId, outcome: 'succeeded', at: Date.now() }));
  scheduler.on('run:failure', (e) => report({ type: 'ended', tickId: e.tickId, outcome: 'failed', at: Date.now() }));
  process.on('message', (command: ControlCommand) => {
    const run = async (): Promise<unknown> => {
      switch (command.op) {
        case 'pause':
          return scheduler.pause(name);
        case 'resume':
          return scheduler.resume(name);
        case 'trigger':
          return scheduler.trigger(name);
        case 'trigger-here':
          return scheduler.trigger(name, { here: true });
        case 'jobs':
          return scheduler.jobs();
        case 'history':
          return scheduler.history(name, { limit: command.limit });
      }
    };
    run().then(
      (value) => report({ type: 'reply', id: command.id, value }),
      (error: unknown) => report({ type: 'reply', id: command.id, error: String(error) }),
    );
  });
  // The channel would keep the process alive after a graceful stop.
  process.channel?.unref();
}

/**
 * The shared reply deadlines of the Redis adapter: a reply that never comes fails with `UNAVAILABLE`, one
 * that comes in time passes through (value or error), calls sent later keep their own, later deadline, and once
 * every call is answered no timer is left to wake the process. A reply that arrived while this process was
 * frozen past the deadline is read before the deadline is judged.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { deadlines } from '../../../adapters/redis/deadlines.js';
import { withTimeout } from '../../../adapters/redis/redis-client.js';
import { isTickworkError } from '../../../src/errors.js';
import { blockFor } from '../../scheduler/helpers.js';

const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('deadlines', () => {
  it('rejects a reply that never comes with UNAVAILABLE naming the call, and passes settled replies through', async () => {
    const d = deadlines(30);
    const never = outcome(d.wrap(new Promise(() => {}), 'lock acquire'));
    const value = outcome(d.wrap(Promise.resolve(7), 'lock renew'));
    const failure = outcome(d.wrap(Promise.reject(new Error('NOSCRIPT')), 'lock complete'));
    expect(await value).toEqual({ value: 7 });
    expect(((await failure) as { error: Error }).error.message).toBe('NOSCRIPT');
    const { error } = (await never) as { error: Error };
    expect(isTickworkError(error, 'UNAVAILABLE')).toBe(true);
    expect(error.message).toBe('Redis did not answer lock acquire within 30 ms');
  });

  it('gives each call its own deadline: a call sent later is not failed by an earlier expiry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const d = deadlines(1000);
      let release: (v: string) => void = () => {};
      const first = outcome(d.wrap(new Promise(() => {}), 'first'));
      await vi.advanceTimersByTimeAsync(600);
      const second = outcome(d.wrap(new Promise<string>((r) => (release = r)), 'second'));
      await vi.advanceTimersByTimeAsync(500); // past the first deadline, 500 ms before the second
      expect(isTickworkError(((await first) as { error: unknown }).error, 'UNAVAILABLE')).toBe(true);
      release('in time');
      expect(await second).toEqual({ value: 'in time' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves no timer once every call in flight is answered, and arms one again for the next call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const d = deadlines(1000);
      const answers = [outcome(d.wrap(Promise.resolve(1), 'a')), outcome(d.wrap(Promise.reject(new Error('x')), 'b'))];
      expect(vi.getTimerCount()).toBe(1);
      await Promise.all(answers);
      expect(vi.getTimerCount()).toBe(0);
      // A call still in flight keeps its deadline while the others are answered.
      let release: (v: string) => void = () => {};
      const slow = outcome(d.wrap(new Promise<string>((r) => (release = r)), 'slow'));
      const quick = outcome(d.wrap(Promise.resolve(2), 'quick'));
      expect(await quick).toEqual({ value: 2 });
      expect(vi.getTimerCount()).toBe(1);
      release('done');
      expect(await slow).toEqual({ value: 'done' });
      expect(vi.getTimerCount()).toBe(0);
      // After an expiry the next call is still timed.
      const lost = outcome(d.wrap(new Promise(() => {}), 'lost'));
      await vi.advanceTimersByTimeAsync(1000);
      expect(isTickworkError(((await lost) as { error: unknown }).error, 'UNAVAILABLE')).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      const again = outcome(d.wrap(new Promise(() => {}), 'again'));
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(isTickworkError(((await again) as { error: unknown }).error, 'UNAVAILABLE')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a reply that arrived while the process was frozen past its deadline is a reply, not a timeout', async () => {
    // A loopback connection: what one end writes is in the other end's kernel buffer at once, but is read only
    // when the event loop polls, as a Redis reply that came during a GC pause or a stopped VM.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = await accepted;
    try {
      for (const call of [
        (reply: Promise<string>) => deadlines(50).wrap(reply, 'frozen call'),
        (reply: Promise<string>) => withTimeout(reply, 50, 'frozen check'),
      ]) {
        const reply = once(client, 'data').then(([chunk]) => String(chunk));
        const answered = outcome(call(reply));
        peer.write('PONG');
        // Frozen well past the 50 ms deadline, with the reply waiting to be read.
        blockFor(300);
        expect(await answered).toEqual({ value: 'PONG' });
      }
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  });
});

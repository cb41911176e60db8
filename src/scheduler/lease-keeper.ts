/**
 * Keeps one run's lease: renews it every third of its ttl and knows, on the monotonic clock, until when it
 * is certainly still held. The deadline is counted from when a request was *sent*, never from its reply, so
 * a slow reply or a paused process can only make it earlier.
 */
import { publishLockError } from './channels.js';
import type { LeaseRef } from './lock-adapter.js';
import { leaseLostError, type Runtime } from './runtime.js';

/** A lease being kept. */
export interface LeaseKeeper {
  /** Milliseconds the lease is certainly still held; 0 once it may have expired or was lost. */
  remainingMs(): number;
  /** Throws `LEASE_LOST` once {@link LeaseKeeper.remainingMs} is 0. */
  assert(): void;
  /** Whether the lock said the lease is gone, or its validity ran out. */
  readonly lost: boolean;
  /** Stops renewing and waits for a renewal in flight, so its answer cannot be mistaken for a loss later. */
  stop(): Promise<void>;
}

/** What {@link keepLease} needs to know about the run. */
export interface KeptLease {
  readonly rt: Runtime;
  readonly lease: LeaseRef;
  readonly ttlMs: number;
  /** `performance.now()` when the acquisition was sent. */
  readonly sentAt: number;
  /** The job's name, for errors and logs. */
  readonly name: string;
  /** Identifies the run in errors and logs. */
  readonly tickId: string;
  /** Called once when the lease is found lost (by the lock's answer or by the validity deadline). */
  readonly onLost: () => void;
}

/**
 * Starts keeping a lease. Validity after a request sent at `t` is `t + ttl − (1 % of ttl + 2 ms)`:
 * node-redlock's drift allowance for timer and clock-rate differences between this process and the lock.
 */
export function keepLease(k: KeptLease): LeaseKeeper {
  const { rt, ttlMs: ttl } = k;
  const drift = 0.01 * ttl + 2;
  let validUntil = k.sentAt + ttl - drift;
  let lost = false;
  let stopped = false;
  let validityTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | undefined;

  const loseLease = () => {
    if (lost || stopped) return;
    lost = true;
    clearTimeout(renewTimer);
    k.onLost();
  };
  const armValidity = () => {
    clearTimeout(validityTimer);
    validityTimer = setTimeout(loseLease, Math.max(0, validUntil - performance.now()));
    if (rt.unref) validityTimer.unref();
  };
  // A plain timer chain rather than an abortable sleep: one timer per run and no abort machinery.
  const scheduleRenewal = (wait: number) => {
    renewTimer = setTimeout(() => {
      renewing = renew();
    }, wait);
    if (rt.unref) renewTimer.unref();
  };
  const renew = async (): Promise<void> => {
    if (stopped || lost) return;
    const sentAt = performance.now();
    try {
      const ok = await rt.lock.renew({ ...k.lease, ttlMs: ttl });
      if (stopped) return;
      if (!ok) return loseLease();
      if (lost) return;
      validUntil = Math.max(validUntil, sentAt + ttl - drift);
      armValidity();
      scheduleRenewal(ttl / 3);
    } catch (error) {
      publishLockError(rt.instanceId, k.name, 'renew', error);
      rt.logger.warn({ job: k.name, tickId: k.tickId, err: error }, 'lease renewal failed; retrying');
      if (!stopped && !lost) scheduleRenewal(Math.min(ttl / 3, 500));
    }
  };
  armValidity();
  scheduleRenewal(ttl / 3);

  const remainingMs = () => (lost ? 0 : Math.max(0, Math.floor(validUntil - performance.now())));
  return {
    remainingMs,
    assert() {
      if (remainingMs() > 0) return;
      // The validity timer may not have fired yet (a resumed process runs this code first): report it now.
      loseLease();
      throw leaseLostError(k.name, k.tickId);
    },
    get lost() {
      return lost;
    },
    async stop() {
      stopped = true;
      clearTimeout(validityTimer);
      clearTimeout(renewTimer);
      await renewing;
    },
  };
}

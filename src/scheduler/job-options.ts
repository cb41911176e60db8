/** Checks and defaults of `scheduler.add()` options: one resolver, clear `INVALID_OPTION` errors. */
import { TickworkError } from '../errors.js';
import { assertFunction, assertInteger, assertNonEmptyString, assertOneOf } from '../internal/assert.js';
import type { JobRecord } from './runtime.js';
import { cronTicks, everyTicks, jobKeyOf, type TickCalculator } from './ticks.js';
import type { JobOptions } from './types.js';

const NAME = /^[^\s{}~]+$/;
const knownZones = new Set<string>(['UTC']);

/** Default `timeout`: ten minutes. */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** Default `abandonAfter`: ten seconds. */
export const DEFAULT_ABANDON_AFTER_MS = 10_000;

function checkTimezone(timezone: string): void {
  if (knownZones.has(timezone)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (cause) {
    throw new TickworkError('INVALID_OPTION', `Expected \`timezone\` to be an IANA time zone, got "${timezone}"`, {
      cause,
      details: { option: 'timezone' },
    });
  }
  knownZones.add(timezone);
}

function calculator(o: JobOptions, timezone: string): TickCalculator {
  if (o.every !== undefined) {
    assertInteger('every', o.every, 10);
    return everyTicks(o.every);
  }
  assertNonEmptyString('cron', o.cron);
  return cronTicks(o.cron, timezone);
}

/** Turns `add()` options into a job record, or throws `INVALID_OPTION` naming the option. */
export function toJob(o: JobOptions): JobRecord {
  assertNonEmptyString('name', o.name);
  if (!NAME.test(o.name)) {
    throw new TickworkError('INVALID_OPTION', `Expected \`name\` without whitespace, braces or "~", got "${o.name}"`, {
      details: { option: 'name' },
    });
  }
  if ((o.cron === undefined) === (o.every === undefined)) {
    throw new TickworkError('INVALID_OPTION', `Job "${o.name}" needs exactly one of \`cron\` and \`every\``, {
      details: { option: 'cron' },
    });
  }
  assertFunction('run', o.run);
  const timezone = o.timezone ?? 'UTC';
  checkTimezone(timezone);
  const calc = calculator(o, timezone);
  const r = o.retry ?? {};
  const retry = {
    retries: r.retries ?? 0,
    minTimeout: r.minTimeout ?? 1000,
    maxTimeout: r.maxTimeout ?? 60_000,
    factor: r.factor ?? 2,
    randomize: r.randomize ?? true,
    shouldRetry: r.shouldRetry,
  };
  assertInteger('retry.retries', retry.retries, 0);
  assertInteger('retry.minTimeout', retry.minTimeout, 0);
  assertInteger('retry.maxTimeout', retry.maxTimeout, 0);
  const timeout = o.timeout ?? DEFAULT_TIMEOUT_MS;
  assertInteger('timeout', timeout);
  const abandonAfter = o.abandonAfter ?? DEFAULT_ABANDON_AFTER_MS;
  assertInteger('abandonAfter', abandonAfter, 0);
  const leaseTtl = o.leaseTtl ?? 30_000;
  assertInteger('leaseTtl', leaseTtl, 30);
  const overlap = o.overlap ?? 'skip';
  assertOneOf('overlap', overlap, ['skip', 'allow']);
  const catchUp = o.catchUp ?? 'none';
  assertOneOf('catchUp', catchUp, ['none', 'latest', 'all']);
  assertOneOf('delivery', o.delivery ?? 'at-least-once', ['at-least-once', 'at-most-once']);
  const maxCatchUp = o.maxCatchUp ?? 100;
  assertInteger('maxCatchUp', maxCatchUp);
  if (o.doneRetention !== undefined) {
    assertInteger('doneRetention', o.doneRetention);
    if (o.doneRetention < leaseTtl) {
      throw new TickworkError(
        'INVALID_OPTION',
        `Expected \`doneRetention\` (${o.doneRetention} ms) to be at least \`leaseTtl\` (${leaseTtl} ms): a tick's claim must outlive its lease so a dead holder's tick can be taken over`,
        { details: { option: 'doneRetention' } },
      );
    }
  }
  return {
    name: o.name,
    key: jobKeyOf(o.name, calc.schedule),
    calc,
    schedule: o.every !== undefined ? { every: o.every } : { cron: o.cron as string },
    timezone: o.every !== undefined ? 'UTC' : timezone,
    run: o.run,
    retry,
    timeout,
    abandonAfter,
    leaseTtl,
    exclusive: overlap === 'skip',
    catchUp,
    maxCatchUp,
    atMostOnce: o.delivery === 'at-most-once',
    doneRetention: o.doneRetention,
    paused: false,
    removed: new AbortController(),
    active: new Set(),
    lastRun: null,
    cursor: 0,
  };
}

/**
 * The catch-up decision at its limits: a tick exactly `lateness` late is on time, one more millisecond is
 * late; `maxCatchUp` late ticks run and the next older one is missed; the 100 newest missed ticks are
 * listed and an older one only counted; windows longer than one slice of the backwards walk (200 ticks)
 * lose and repeat no tick.
 */
import { describe, expect, it } from 'vitest';
import { dueTicks, MISSED_EVENTS_CAP } from '../../src/scheduler/catch-up.js';
import { toJob } from '../../src/scheduler/job-options.js';

const S = 1000;
/** Tick instants `from`…`to` seconds (inclusive) of an every-second job. */
const seconds = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => (from + i) * S);

function job(catchUp: 'none' | 'latest' | 'all', maxCatchUp?: number) {
  return toJob({ name: 'c', every: S, catchUp, ...(maxCatchUp === undefined ? {} : { maxCatchUp }), run: () => {} });
}

describe('dueTicks at its limits', () => {
  it('MISSED_EVENTS_CAP is 100', () => {
    expect(MISSED_EVENTS_CAP).toBe(100);
  });

  it('the newest tick exactly `lateness` old is on time; one millisecond older it is late', async () => {
    const onTime = await dueTicks(job('none'), 0, 10 * S + 500, 500);
    expect(onTime).toEqual({
      onTime: 10 * S,
      catchUp: [],
      missed: seconds(1, 9),
      moreMissed: false,
      newest: 10 * S,
    });
    const late = await dueTicks(job('none'), 0, 10 * S + 501, 500);
    expect(late).toEqual({ onTime: undefined, catchUp: [], missed: seconds(1, 10), moreMissed: false, newest: 10 * S });
    // Lateness 0: only a tick due this very millisecond is on time.
    expect((await dueTicks(job('none'), 0, 10 * S, 0)).onTime).toBe(10 * S);
    expect((await dueTicks(job('none'), 0, 10 * S + 1, 0)).onTime).toBeUndefined();
  });

  it('an empty window: nothing on time, nothing late, no newest tick', async () => {
    for (const policy of ['none', 'latest', 'all'] as const) {
      expect(await dueTicks(job(policy), 5 * S, 5 * S + 999, 2000)).toEqual({
        onTime: undefined,
        catchUp: [],
        missed: [],
        moreMissed: false,
        newest: undefined,
      });
    }
  });

  it('the window is (from, now]: a tick at `from` is not in it, a tick at `now` is', async () => {
    const due = await dueTicks(job('none'), 3 * S, 6 * S, 0);
    expect(due.onTime).toBe(6 * S);
    expect(due.missed).toEqual([4 * S, 5 * S]);
  });

  it("'latest' runs the newest late tick only when no tick is on time", async () => {
    const late = await dueTicks(job('latest'), 0, 10 * S + 501, 500);
    expect(late).toEqual({
      onTime: undefined,
      catchUp: [10 * S],
      missed: seconds(1, 9),
      moreMissed: false,
      newest: 10 * S,
    });
    const onTime = await dueTicks(job('latest'), 0, 10 * S + 500, 500);
    expect(onTime).toEqual({
      onTime: 10 * S,
      catchUp: [],
      missed: seconds(1, 9),
      moreMissed: false,
      newest: 10 * S,
    });
  });

  it("'all' runs exactly `maxCatchUp` late ticks, the newest ones; the next older one is missed", async () => {
    // Ten late ticks and one on time.
    const some = await dueTicks(job('all', 9), 0, 11 * S, 0);
    expect(some).toEqual({
      onTime: 11 * S,
      catchUp: seconds(2, 10),
      missed: [1 * S],
      moreMissed: false,
      newest: 11 * S,
    });
    const exactly = await dueTicks(job('all', 10), 0, 11 * S, 0);
    expect(exactly).toEqual({ onTime: 11 * S, catchUp: seconds(1, 10), missed: [], moreMissed: false, newest: 11 * S });
    const more = await dueTicks(job('all', 11), 0, 11 * S, 0);
    expect(more).toEqual(exactly);
    // Nothing on time: the newest tick is one of the late ones.
    const noneOnTime = await dueTicks(job('all', 1), 0, 3 * S + 1, 0);
    expect(noneOnTime).toEqual({
      onTime: undefined,
      catchUp: [3 * S],
      missed: [1 * S, 2 * S],
      moreMissed: false,
      newest: 3 * S,
    });
  });

  it("'none': the 100 newest missed ticks are listed, an older one only counted", async () => {
    // 100 late ticks and one on time: all listed.
    const hundred = await dueTicks(job('none'), 0, 101 * S, 0);
    expect(hundred.onTime).toBe(101 * S);
    expect(hundred.missed).toEqual(seconds(1, 100));
    expect(hundred.moreMissed).toBe(false);
    // 101 late ticks: the oldest is only counted.
    const hundredOne = await dueTicks(job('none'), 0, 102 * S, 0);
    expect(hundredOne.missed).toEqual(seconds(2, 101));
    expect(hundredOne.moreMissed).toBe(true);
    // 102: the walk stops before the oldest (it looks at 1 + 100 + 1 ticks) and says so.
    const hundredTwo = await dueTicks(job('none'), 0, 103 * S, 0);
    expect(hundredTwo.missed).toEqual(seconds(3, 102));
    expect(hundredTwo.moreMissed).toBe(true);
    // No tick on time: the newest late tick is listed as missed too.
    const late = await dueTicks(job('none'), 0, 100 * S + 1, 0);
    expect(late).toEqual({
      onTime: undefined,
      catchUp: [],
      missed: seconds(1, 100),
      moreMissed: false,
      newest: 100 * S,
    });
    const lateMore = await dueTicks(job('none'), 0, 101 * S + 1, 0);
    expect(lateMore.missed).toEqual(seconds(2, 101));
    expect(lateMore.moreMissed).toBe(true);
  });

  it("'latest' with more than 100 older ticks: the newest runs, the 100 before it are listed", async () => {
    const exactly = await dueTicks(job('latest'), 0, 101 * S + 1, 0);
    expect(exactly.catchUp).toEqual([101 * S]);
    expect(exactly.missed).toEqual(seconds(1, 100));
    expect(exactly.moreMissed).toBe(false);
    const more = await dueTicks(job('latest'), 0, 102 * S + 1, 0);
    expect(more.catchUp).toEqual([102 * S]);
    expect(more.missed).toEqual(seconds(2, 101));
    expect(more.moreMissed).toBe(true);
  });

  it('walks windows longer than one slice (200 ticks) without losing or repeating a tick', async () => {
    // maxCatchUp 250: the walk looks at up to 250 + 1 + 100 = 351 ticks, in slices of 200 and 151.
    const all = job('all', 250);
    const exactly = await dueTicks(all, 0, 351 * S, 0);
    expect(exactly.onTime).toBe(351 * S);
    expect(exactly.catchUp).toEqual(seconds(101, 350));
    expect(exactly.missed).toEqual(seconds(1, 100));
    expect(exactly.moreMissed).toBe(false);
    const more = await dueTicks(all, 0, 352 * S, 0);
    expect(more.catchUp).toEqual(seconds(102, 351));
    expect(more.missed).toEqual(seconds(2, 101));
    expect(more.moreMissed).toBe(true);
    const longer = await dueTicks(all, 0, 1000 * S, 0);
    expect(longer.catchUp).toEqual(seconds(750, 999));
    expect(longer.missed).toEqual(seconds(650, 749));
    expect(longer.moreMissed).toBe(true);
    // A window that ends exactly at a slice boundary: 200 ticks and then one more.
    const twoHundred = await dueTicks(all, 0, 200 * S, 0);
    expect(twoHundred.catchUp).toEqual(seconds(1, 199));
    expect(twoHundred.moreMissed).toBe(false);
    const twoHundredOne = await dueTicks(all, 0, 201 * S, 0);
    expect(twoHundredOne.catchUp).toEqual(seconds(1, 200));
    expect(twoHundredOne.missed).toEqual([]);
    expect(twoHundredOne.moreMissed).toBe(false);
  });

  it('looks at no more ticks than it needs: the catch-up, the on-time tick and 100 missed', async () => {
    const counted = (catchUp: 'none' | 'latest' | 'all', maxCatchUp?: number) => {
      const j = job(catchUp, maxCatchUp);
      let calls = 0;
      const prev = j.calc.prev.bind(j.calc);
      const calc = {
        ...j.calc,
        prev: (before: number) => {
          calls++;
          return prev(before);
        },
      };
      return { job: { ...j, calc }, calls: () => calls };
    };
    // One walk step per tick taken, and one first step: 101 ticks for 'none', 102 for 'latest'.
    const none = counted('none');
    await dueTicks(none.job, 0, 1000 * S, 0);
    expect(none.calls()).toBe(102);
    const latest = counted('latest');
    await dueTicks(latest.job, 0, 1000 * S, 0);
    expect(latest.calls()).toBe(103);
    // 'all' with 250: 351 ticks, in slices of 200 and 151, each with its first step.
    const all = counted('all', 250);
    await dueTicks(all.job, 0, 1000 * S, 0);
    expect(all.calls()).toBe(353);
  });
});

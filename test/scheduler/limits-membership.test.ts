/**
 * Bounded attempts at their limits: the hash against a second implementation, the rank with a true hash
 * tie, a view exactly as old as its TTL, exactly `candidates` other members, and every rank's wave.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BoundedAttempts, hash32, keepView, rankOf, waveDelayMs, waveOf } from '../../src/scheduler/membership.js';

/** FNV-1a over UTF-16 code units and murmur3's 32-bit finaliser, in BigInt arithmetic. */
function referenceHash(text: string): number {
  const mask = 0xffffffffn;
  let h = 0x811c9dc5n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x01000193n) & mask;
  }
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & mask;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & mask;
  h ^= h >> 16n;
  return Number(h);
}

/** Rank by sorting: descending hash of (member, key), ties by ascending id; `self` always counts. */
function referenceRank(self: string, members: readonly string[], key: string): number {
  const all = [...new Set([...members, self])];
  all.sort((a, b) => {
    const ha = referenceHash(`${a}\u0000${key}`);
    const hb = referenceHash(`${b}\u0000${key}`);
    return ha !== hb ? hb - ha : a < b ? -1 : 1;
  });
  return all.indexOf(self);
}

function bounded(overrides: Partial<BoundedAttempts> = {}): BoundedAttempts {
  return {
    candidates: 2,
    heartbeatMs: 1000,
    ttlMs: 3000,
    skewBoundMs: 250,
    inSync: true,
    views: new Map(),
    ...overrides,
  };
}

describe('membership at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => vi.useRealTimers());

  it('hash32 is FNV-1a with the murmur3 finaliser, unsigned 32-bit', () => {
    const texts = [
      '',
      'a',
      'b',
      'ab',
      'ba',
      'member-1\u0000job~1234\u00001735689600000',
      '\uffff',
      'é€😀',
      'x'.repeat(300),
    ];
    for (const text of texts) {
      const h = hash32(text);
      expect(h).toBe(referenceHash(text));
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
    // Spot values, so a change of both implementations the same way shows too.
    expect(hash32('')).toBe(referenceHash(''));
    expect(new Set(texts.map(hash32)).size).toBe(texts.length);
    for (let i = 0; i < 200; i++) expect(hash32(`m${i}`)).toBe(referenceHash(`m${i}`));
  });

  it('rankOf counts the members ranked before self: higher hash first, a tie by the smaller id', () => {
    const members = Array.from({ length: 12 }, (_, i) => `instance-${i}`);
    for (let t = 0; t < 40; t++) {
      const key = `job~abc\u0000${1735689600000 + t * 1000}`;
      for (const self of [...members, 'newcomer']) {
        expect(rankOf(self, members, key)).toBe(referenceRank(self, members, key));
      }
    }
    // Self listed or not, alone: first.
    expect(rankOf('a', [], 'k')).toBe(0);
    expect(rankOf('a', ['a'], 'k')).toBe(0);
    // Two ids whose hashes for this key are equal (found by search): the smaller id ranks first.
    const key = 'job\u0000tick';
    expect(hash32(`m763399\u0000${key}`)).toBe(hash32(`m1109514\u0000${key}`));
    expect(rankOf('m1109514', ['m763399', 'm1109514'], key)).toBe(0);
    expect(rankOf('m763399', ['m763399', 'm1109514'], key)).toBe(1);
    expect(rankOf('m763399', ['m1109514'], key)).toBe(1);
  });

  it('keepView keeps a copy of the members and the monotonic time it was read', () => {
    vi.advanceTimersByTime(12_345);
    const b = bounded();
    const members = ['a', 'b'];
    keepView(b, 'job', { members, serverTime: 0 });
    members.push('c');
    expect(b.views.get('job')).toEqual({ members: ['a', 'b'], at: performance.now() });
  });

  it('waveOf: no bounded attempts, out of sync, no view or a view older than its TTL: attempt now', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    // With candidates 1 and eight members, most keys put `self` in a later wave; find one.
    const key = Array.from({ length: 50 }, (_, i) => String(i)).find((k) => rankOf('h', many, `job\u0000${k}`) >= 2);
    if (key === undefined) throw new Error('no key puts h past the second wave');
    const b = bounded({ candidates: 1 });
    expect(waveOf(null, 'h', 'job', key)).toBe('now');
    expect(waveOf(b, 'h', 'job', key)).toBe('now');
    // The view is read well after the clock's origin, so its age is a difference, not a sum.
    vi.advanceTimersByTime(10_000);
    keepView(b, 'job', { members: many, serverTime: 0 });
    expect(waveOf(b, 'h', 'job', key)).toBe('delegated');
    expect(waveOf(b, 'h', 'other-job', key)).toBe('now');
    expect(waveOf({ ...b, inSync: false }, 'h', 'job', key)).toBe('now');
    // A view exactly as old as the TTL still counts; one millisecond older it does not.
    vi.advanceTimersByTime(3000);
    expect(waveOf(b, 'h', 'job', key)).toBe('delegated');
    vi.advanceTimersByTime(1);
    expect(waveOf(b, 'h', 'job', key)).toBe('now');
  });

  it('waveOf: fewer other members than candidates attempt now; exactly as many are ranked', () => {
    // Find a key where `self` ranks last of three, so only the member count can make it attempt now.
    const self = 'c';
    const others = ['a', 'b'];
    const key = Array.from({ length: 100 }, (_, i) => String(i)).find(
      (k) => rankOf(self, others, `job\u0000${k}`) === 2,
    );
    if (key === undefined) throw new Error('no key ranks c last');
    const b = bounded({ candidates: 2 });
    keepView(b, 'job', { members: ['a'], serverTime: 0 });
    expect(waveOf(b, self, 'job', key)).toBe('now');
    keepView(b, 'job', { members: ['a', self], serverTime: 0 });
    expect(waveOf(b, self, 'job', key)).toBe('now');
    // Two others: ranked, and last of three with candidates 2 is the second wave.
    keepView(b, 'job', { members: others, serverTime: 0 });
    expect(waveOf(b, self, 'job', key)).toBe('later');
    keepView(b, 'job', { members: [...others, self], serverTime: 0 });
    expect(waveOf(b, self, 'job', key)).toBe('later');
  });

  it('waveOf: ranks below candidates attempt now, the next `candidates` later, the rest are delegated', () => {
    const members = Array.from({ length: 7 }, (_, i) => `i${i}`);
    for (const candidates of [1, 2, 3]) {
      const b = bounded({ candidates });
      keepView(b, 'job', { members, serverTime: 0 });
      const seen = new Set<number>();
      for (let t = 0; t < 200; t++) {
        const key = String(t);
        for (const self of members) {
          const rank = rankOf(self, members, `job\u0000${key}`);
          seen.add(rank);
          const expected = rank < candidates ? 'now' : rank < 2 * candidates ? 'later' : 'delegated';
          expect(waveOf(b, self, 'job', key)).toBe(expected);
        }
      }
      expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
    // The key is the job and the tick, joined by a NUL: another join would rank differently for some tick.
    const b = bounded({ candidates: 1 });
    keepView(b, 'job', { members, serverTime: 0 });
    const joined = Array.from({ length: 50 }, (_, t) => String(t)).map((k) =>
      members.map((m) => waveOf(b, m, 'job', k)).join(),
    );
    const expected = Array.from({ length: 50 }, (_, t) => String(t)).map((k) =>
      members
        .map((m) => referenceRank(m, members, `job\u0000${k}`))
        .map((r) => (r < 1 ? 'now' : r < 2 ? 'later' : 'delegated'))
        .join(),
    );
    expect(joined).toEqual(expected);
  });

  it('waveDelayMs is a quarter of the lateness, at most half the period, whole milliseconds', () => {
    expect(waveDelayMs(2000, 60_000)).toBe(500);
    expect(waveDelayMs(2000, 1000)).toBe(500);
    expect(waveDelayMs(2000, 999)).toBe(499);
    expect(waveDelayMs(2000, 600)).toBe(300);
    expect(waveDelayMs(1003, 60_000)).toBe(250);
    expect(waveDelayMs(2000, 1001)).toBe(500);
    expect(waveDelayMs(3, 60_000)).toBe(0);
    expect(waveDelayMs(0, 60_000)).toBe(0);
  });
});

/** The compiled `GET /apps` serializer writes what JSON.stringify would, and only the documented fields. */

import type { AppListing } from 'tickwork';
import { describe, expect, it } from 'vitest';
import { serializeAppList } from '../shared/app-list-json.js';

const listing = (claim: AppListing['claim']): AppListing => ({
  id: 'a1',
  name: 'Say "hi" \\ \u0001 ✓',
  packageName: 'com.example.a',
  storeUrl: 'https://play.google.com/store/apps/details?id=com.example.a',
  iconUrl: null,
  category: 'Tools',
  subCategory: 'Sub',
  points: 10,
  active: true,
  createdAt: new Date('2026-01-02T03:04:05.006Z'),
  updatedAt: new Date('0999-01-01T00:00:00.000Z'),
  version: 3,
  claim,
});

describe('serializeAppList', () => {
  it('writes the same JSON as JSON.stringify, escapes included', () => {
    const body = { items: [listing(null), listing({ taskId: 't1', status: 'submitted' })] };
    expect(JSON.parse(serializeAppList(body))).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it('never sends a field the schema does not name', () => {
    const leaky = { ...listing(null), passwordHash: 'secret' } as AppListing;
    expect(serializeAppList({ items: [leaky] })).not.toContain('secret');
  });

  it('answers what the listings say now: a changed app is a new object, and unfrozen listings are read afresh', () => {
    const first = Object.freeze(listing(null));
    const other = Object.freeze({ ...listing(null), id: 'a2' });
    const before = serializeAppList({ items: [first, other] });
    expect(serializeAppList({ items: [first, other] })).toBe(before);
    // The memory adapter's update: a new frozen row, so a new listing.
    const renamed = Object.freeze({ ...first, name: 'Renamed', version: 4 });
    const after = JSON.parse(serializeAppList({ items: [renamed, other] }));
    expect(after.items.map((a: AppListing) => [a.name, a.version])).toEqual([
      ['Renamed', 4],
      [other.name, 3],
    ]);
    expect(JSON.parse(serializeAppList({ items: [other] })).items).toHaveLength(1);
    // A listing that is not frozen may change in place: every answer reads it again.
    const open = listing(null) as { -readonly [K in keyof AppListing]: AppListing[K] };
    expect(JSON.parse(serializeAppList({ items: [open] })).items[0].points).toBe(10);
    open.points = 11;
    open.claim = { taskId: 't9', status: 'claimed' };
    expect(JSON.parse(serializeAppList({ items: [open] })).items[0]).toMatchObject({
      points: 11,
      claim: { taskId: 't9', status: 'claimed' },
    });
  });
});

/** The compiled `GET /apps` serializer writes what JSON.stringify would, and only the documented fields. */
import { describe, expect, it } from 'vitest';
import type { AppListing } from '../../src/index.js';
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
});

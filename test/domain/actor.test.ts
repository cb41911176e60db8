/** `requireActor` checks the actor every service call takes, with a hand-written fast path beside the schema. */
import { describe, expect, it } from 'vitest';
import { requireActor, requireAdmin } from '../../src/domain/actor.js';
import { codeOf } from './fixture.js';

const thrown = (fn: () => unknown) => codeOf(Promise.resolve().then(fn));

describe('requireActor', () => {
  it('returns only the id and role of a well-formed actor', () => {
    const actor = { id: 'u1', role: 'user', email: 'a@example.com', name: 'A' };
    expect(requireActor(actor)).toEqual({ id: 'u1', role: 'user' });
    expect(requireAdmin({ id: 'a1', role: 'admin' })).toEqual({ id: 'a1', role: 'admin' });
  });

  it('refuses a missing actor with UNAUTHENTICATED and a malformed one with VALIDATION', async () => {
    expect(await thrown(() => requireActor(undefined))).toBe('UNAUTHENTICATED');
    expect(await thrown(() => requireActor(null))).toBe('UNAUTHENTICATED');
    for (const bad of [
      { id: '', role: 'user' },
      { id: 'u', role: 'root' },
      { id: 1, role: 'user' },
      { role: 'admin' },
      'u1',
      7,
    ]) {
      expect(await thrown(() => requireActor(bad))).toBe('VALIDATION');
    }
    expect(await thrown(() => requireAdmin({ id: 'u1', role: 'user' }))).toBe('FORBIDDEN');
  });
});

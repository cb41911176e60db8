/**
 * Loaded by the mutation runs only: caps every fast-check property at 100 cases per mutant. The suites ask for
 * up to 2,000 cases, which on two cores would stretch a module's run to hours; a mutant that only a later case
 * would catch is then reported as surviving, and gets looked at like any other.
 */
import { vi } from 'vitest';

const MAX_RUNS = Number(process.env.TICKWORK_MUTATION_PROPERTY_RUNS ?? 100);

vi.mock('fast-check', async (importOriginal) => {
  const fc = await importOriginal<typeof import('fast-check')>();
  const assert = ((property: Parameters<typeof fc.assert>[0], params?: Parameters<typeof fc.assert>[1]) =>
    fc.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? 100, MAX_RUNS) })) as typeof fc.assert;
  const patched = { ...fc.default, assert };
  return { ...fc, assert, default: patched };
});

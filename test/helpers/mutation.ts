/**
 * Whether the tests run under `npm run mutation`: `test/mutation/run.ts` names the test files of the module
 * under mutation in `TICKWORK_MUTATION_TESTS`, and nothing else sets it.
 */
export const underMutation = process.env.TICKWORK_MUTATION_TESTS !== undefined;

/**
 * `full` in a normal run, `reduced` under mutation testing: for a test whose size guards scale (memory per
 * item, a million rows) rather than a rule a mutant could break, and whose full size would take minutes per
 * mutant under Stryker's instrumentation.
 */
export const sizeFor = (full: number, reduced: number): number => (underMutation ? reduced : full);

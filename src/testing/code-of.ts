/**
 * The code of the error `promise` rejects with: `'RESOLVED'` when it fulfils, `'UNCODED: …'` when the error
 * has no `code`. Suites compare codes, never messages, the way callers are told to check errors.
 *
 * @example
 * ```ts
 * expect(await codeOf(repos.users.insert(taken))).toBe('CONFLICT');
 * ```
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'RESOLVED';
  } catch (error) {
    return (error as { code?: string }).code ?? `UNCODED: ${String(error)}`;
  }
}

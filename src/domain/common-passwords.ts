/**
 * The common-password check of the password policy (NIST SP 800-63B §3.1.1.2: refuse passwords found in lists
 * of commonly used or breached passwords). The list is the 49,000-entry `passwords-common` dictionary of
 * `@zxcvbn-ts/language-common`, a maintained package that ships it offline: no network call, no key sent
 * anywhere.
 */

let loading: Promise<ReadonlySet<string>> | undefined;

/**
 * The list as a set, loaded on first use: importing tickwork does no work, and a program that never registers
 * a user never pays for the ~2 MB dictionary.
 */
function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())),
  );
  return loading;
}

/**
 * Whether `password` is on the common-password list, ignoring case (`Password123` is as guessable as
 * `password123`).
 *
 * @example
 * ```ts
 * await isCommonPassword('1234567890'); // true
 * await isCommonPassword('correct horse battery'); // false
 * ```
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.normalize('NFC').toLowerCase());
}

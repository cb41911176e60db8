/** The isin module's public surface; re-exported from the package root. */

export type { IsinSetDiff } from './isin-set.js';
export { IsinSet } from './isin-set.js';
export { isKnownIsinPrefix } from './prefixes.js';
export type {
  IsinErrorCode,
  IsinInvalid,
  IsinValid,
  IsinValidation,
  IsinWarningCode,
  ParsedIsin,
  ValidateIsinOptions,
} from './validate.js';
export { isIsin, isinCheckDigit, parseIsin, validateIsin } from './validate.js';

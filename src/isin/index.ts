/** The isin module's public surface; re-exported from the package root. */

export type {
  FetchedIsinSourceMeta,
  FetchIsinListOptions,
  FetchIsinListProgress,
  FetchIsinListResult,
} from './fetch-list.js';
export { fetchIsinList } from './fetch-list.js';
export type { IsinFetchRetryOptions } from './fetch-retry.js';
export type { IsinListSource, IsinSourceSpec, PreviousIsinSource, ResolvedIsinSource } from './fetch-source.js';
export type { IsinSetDiff } from './isin-set.js';
export { IsinSet } from './isin-set.js';
export type { IsinListDelimiter } from './list-sniff.js';
export { ISIN_COLUMN_ALIASES } from './list-sniff.js';
export type {
  IsinListColumn,
  IsinListInput,
  IsinListProgress,
  IsinListShape,
  ParsedIsinList,
  ParseIsinListOptions,
} from './parse-list.js';
export { parseIsinList } from './parse-list.js';
export { isKnownIsinPrefix } from './prefixes.js';
export type { GleifIsinLeiOptions, IsinListShapes } from './presets.js';
export { gleifIsinLei, isinListShapes } from './presets.js';
export type { IsinListIssue, IsinListNoticeCode } from './row-parser.js';
export type {
  IsinSnapshot,
  IsinSnapshotMeta,
  IsinSnapshotStore,
  LoadIsinSnapshotOptions,
  SaveIsinSnapshotOptions,
  StoredIsinSnapshot,
} from './snapshot-store.js';
export type {
  CreateIsinSyncOptions,
  IsinSyncContext,
  IsinSyncCounts,
  IsinSyncDiff,
  IsinSyncGates,
  IsinSyncHandler,
  IsinSyncReasonCode,
  IsinSyncResult,
  IsinSyncTimings,
} from './sync.js';
export { createIsinSync } from './sync.js';
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

/**
 * File-system adapters with atomic writes (temp file, fsync, rename).
 *
 * @module tickwork/fs
 */
export {};

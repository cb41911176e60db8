import type { App } from './app.js';

/** Storage of listed apps. */
export interface AppRepository {
  /** Stores a new app; `CONFLICT` when the id or the package name is taken. */
  insert(app: App): Promise<void>;
  /** The app with this id. */
  findById(id: string): Promise<App | undefined>;
  /**
   * Replaces the app if the stored one is still at `expectedVersion` (the new row carries `expectedVersion + 1`).
   * Resolves the stored app, or `undefined` when missing or changed meanwhile; `CONFLICT` when the new package
   * name is taken.
   */
  update(app: App, expectedVersion: number): Promise<App | undefined>;
  /** Every app (only active ones with `activeOnly`), ordered by name then id. */
  list(options: { readonly activeOnly: boolean }): Promise<App[]>;
}

import type { App } from './app.js';

/** The fields of an app a change may set. */
export type AppFields = Pick<
  App,
  'name' | 'packageName' | 'storeUrl' | 'iconUrl' | 'category' | 'subCategory' | 'points' | 'active'
>;

/** A change to an app: the fields to set (the others are kept as stored) and the time of the change. */
export type AppChange = Partial<AppFields> & {
  /** Becomes the app's `updatedAt`. */
  readonly updatedAt: Date;
};

/** Storage of listed apps. */
export interface AppRepository {
  /** Stores a new app; `CONFLICT` when the id or the package name is taken. */
  insert(app: App): Promise<void>;
  /** The app with this id. */
  findById(id: string): Promise<App | undefined>;
  /**
   * Sets the fields of `change` on the stored app and adds one to its version, in one atomic step, and resolves
   * the stored app. With `expectedVersion`, only if the app is still at that version (`undefined` otherwise).
   * Without it, the last writer wins field by field: concurrent changes all apply, each on top of the one
   * before, none refused. `undefined` when the app is missing; `CONFLICT` when the new package name is taken.
   */
  update(id: string, change: AppChange, expectedVersion?: number): Promise<App | undefined>;
  /** Every app (only active ones with `activeOnly`), ordered by name then id. */
  list(options: { readonly activeOnly: boolean }): Promise<App[]>;
}

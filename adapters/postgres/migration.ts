/** One schema change. Ids are applied in list order and recorded, so each runs once per schema. */
export interface Migration {
  /** Stable, unique id such as `isin-001-snapshots`. Never renamed once released. */
  readonly id: string;
  /** Statements run in order in one transaction (one statement each: PGlite's `query` takes one). */
  readonly statements: readonly string[];
}

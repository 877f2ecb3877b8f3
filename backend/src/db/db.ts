/**
 * The one data-access seam: every feature talks SQL through this interface, whether the rows live
 * in embedded PGlite or a Postgres server. Parameters are positional ($1, $2, ...) on both.
 */
export interface Db {
  /** Runs one statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /** Which engine is behind this handle (for logs and engine-specific SQL). */
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

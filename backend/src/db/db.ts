/**
 * The one data-access seam: every feature talks SQL through this interface, whether the rows live
 * in embedded PGlite or a Postgres server. Parameters are positional ($1, $2, ...) on both.
 *
 * Values come back the same way on both engines: timestamptz → Date, json/jsonb → parsed value,
 * int2/int4/int8 and float → number, numeric → string, text[] → string[].
 * Pass jsonb parameters as JSON.stringify(...) text with a `$n::jsonb` cast: the `pg` driver would
 * otherwise turn a JS array into a Postgres array literal.
 */
export interface Db {
  /** Runs one statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws.
   * Inside `work`, use only `tx`: on PGlite the outer handle waits for the transaction to end, so a
   * query on it from inside the transaction would never run. Nested calls use a savepoint.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /** Which engine is behind this handle (for logs and engine-specific SQL). */
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** How Db.query runs a statement. */
export interface QueryOptions {
  /**
   * Prepare the statement once per connection (prepared.ts) and reuse its plan: for a statement
   * whose text never changes (values only as parameters) that runs on every question, where
   * planning costs as much as running it (search; bench/README.md, "Prepared search statement").
   * On PGlite one plan then serves every parameter value; on a Postgres server the server chooses
   * (after five runs it keeps one plan only if that is estimated no dearer; for search it was not).
   */
  prepare?: boolean;
}

/** Runs `work` between SAVEPOINT and RELEASE on a handle already inside a transaction. */
export async function withSavepoint<T>(tx: Db, depth: number, work: () => Promise<T>): Promise<T> {
  const name = `prex_sp_${depth}`;
  await tx.exec(`savepoint ${name}`);
  try {
    const result = await work();
    await tx.exec(`release savepoint ${name}`);
    return result;
  } catch (err) {
    await tx.exec(`rollback to savepoint ${name}`);
    throw err;
  }
}

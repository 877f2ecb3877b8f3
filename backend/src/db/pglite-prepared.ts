import { parse, protocol, type PGlite } from '@electric-sql/pglite';

const { serialize } = protocol;

/** A statement without parameters as the unnamed one, within a batch. */
const unnamed = (sql: string) => [serialize.parse({ text: sql }), serialize.bind({}), serialize.execute({})];

/** Runs a prepared statement on PGlite: its name (prepared.ts), text and parameters; `inTransaction` on a transaction's handle. */
export type RunPrepared = <Row>(name: string, sql: string, params: readonly unknown[], inTransaction: boolean) => Promise<Row[]>;

/**
 * Named prepared statements on PGlite (Db.query's `prepare` option). PGlite's query() sends every
 * statement as the unnamed one, which Postgres parses and plans again on every run, and it has no
 * call for a named one. So this sends what query() sends — Parse, Describe, Bind, Describe,
 * Execute, Sync, with PGlite's own message serializer, value serializers and result parser — with
 * a name: Parse and Describe once per database, then Bind to Sync in one call into the engine.
 *
 * The statement runs with plan_cache_mode = force_generic_plan, set and reset around it in the same
 * call (the reset after its own Sync, so it runs even when the statement fails): left to choose,
 * Postgres kept planning the search statement anew for every question (its one plan for all values
 * is estimated dearer, and planning cost as much as running it), and only these statements, not the
 * session's others, should give up per-value plans. bench/README.md, "Prepared search statement".
 */
export function preparedStatements(pg: PGlite): RunPrepared {
  /** Parameter type oids of each statement prepared here (they pick each value's serializer). */
  const parameterTypes = new Map<string, number[]>();

  async function send(messages: Uint8Array[], inTransaction: boolean) {
    // Sync ends every batch, so an error leaves the session ready for the next statement.
    return (await pg.execProtocol(Buffer.concat([...messages, serialize.sync()]), { syncToFs: !inTransaction })).messages;
  }

  async function prepare(name: string, sql: string, inTransaction: boolean): Promise<number[]> {
    const replies = await send([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name })], inTransaction);
    const description = replies.find((m): m is typeof m & { dataTypeIDs: number[] } => m.name === 'parameterDescription');
    const types = description?.dataTypeIDs ?? [];
    parameterTypes.set(name, types);
    return types;
  }

  return async <Row>(name: string, sql: string, params: readonly unknown[], inTransaction: boolean) => {
    const run = () =>
      pg.runExclusive(async () => {
        const types = parameterTypes.get(name) ?? (await prepare(name, sql, inTransaction));
        const values = params.map((value, i) => (value == null ? null : (pg.serializers[types[i]!]?.(value) ?? String(value))));
        const replies = await send(
          [
            ...unnamed('set plan_cache_mode = force_generic_plan'),
            serialize.bind({ statement: name, values }),
            serialize.describe({ type: 'P' }),
            serialize.execute({}),
            // After a Sync, so it runs even when the statement failed.
            serialize.sync(),
            ...unnamed('reset plan_cache_mode'),
          ],
          inTransaction,
        );
        // The results in order: the set, the statement, the reset.
        return (parse.parseResults(replies, pg.parsers)[1]?.rows ?? []) as Row[];
      });
    // Outside a transaction, wait as query() does for any transaction under way to end.
    return inTransaction ? run() : pg._runExclusiveTransaction(run);
  };
}

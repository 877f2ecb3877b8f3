import { createHash } from 'node:crypto';

/**
 * Names for prepared statements (Db.query's `prepare` option), shared by both engines. A statement
 * is prepared once per connection under a name taken from its text, so the same text gets the same
 * name on every connection and another text can never reuse one.
 *
 * A prepared statement outlives schema changes: Postgres re-plans it by itself when a table it
 * reads changes, but refuses it ("cached plan must not change result type") when the change alters
 * its result columns. Then the statement is prepared again under the next name (the old one stays
 * on connections that had it, unused). Inside a transaction that error has already aborted the
 * transaction, so there it is passed on.
 */
export class PreparedNames {
  readonly #generations = new Map<string, number>();
  readonly #hashes = new Map<string, string>();

  /** Runs `run` with the statement's current name; once more under a new name when that one went stale. */
  async run<T>(sql: string, run: (name: string) => Promise<T>): Promise<T> {
    const generation = this.#generations.get(sql) ?? 0;
    try {
      return await run(this.#name(sql, generation));
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      // Concurrent callers that failed on the same generation move it on once.
      if ((this.#generations.get(sql) ?? 0) === generation) this.#generations.set(sql, generation + 1);
      return run(this.#name(sql, this.#generations.get(sql)!));
    }
  }

  #name(sql: string, generation: number): string {
    let hash = this.#hashes.get(sql);
    if (hash === undefined) {
      hash = createHash('sha1').update(sql).digest('hex').slice(0, 24);
      this.#hashes.set(sql, hash);
    }
    return `prex_${hash}_${generation}`;
  }
}

/** Postgres's error for a prepared statement whose result columns changed under it (SQLSTATE 0A000). */
export function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}

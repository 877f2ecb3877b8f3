import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/db.js';
import { hashIdentifier } from '../privacy/hash.js';

/** Windows older than this many window lengths are deleted (a few seconds of clock skew is harmless). */
const KEPT_WINDOWS = 2;
/** Old windows are swept on about one increment in this many, so no request pays for it regularly. */
const SWEEP_ONE_IN = 200;

/**
 * An express-rate-limit store whose counters live in Postgres (`rate_limit_windows`), so every
 * instance on one database counts the same hits: a client gets the limit once, however many
 * instances serve it. Fixed windows, as the library's memory store, aligned on the database's
 * clock so instances with skewed clocks still agree on the window. One upsert per counted request.
 *
 * Written here rather than taken from npm: the Postgres stores published for express-rate-limit
 * manage their own `pg` pool and schema, while Prex has one data-access seam (Db) and its own
 * migrations, with row-level security on every table.
 */
export class PostgresRateLimitStore implements Store {
  /** Counts are shared across processes: the library must not assume it sees every hit. */
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;

  constructor(
    private readonly db: Db,
    prefix: string,
  ) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private keyOf(key: string): string {
    return `${this.prefix}:${hashIdentifier(key)}`;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const rows = await this.db.query<{ hits: number; window_end: Date }>(
      `with w as (select to_timestamp(floor(extract(epoch from now()) * 1000 / $2) * $2 / 1000.0) as start)
       insert into rate_limit_windows (key, window_start, hits) select $1, w.start, 1 from w
       on conflict (key, window_start) do update set hits = rate_limit_windows.hits + 1
       returning hits, window_start + make_interval(secs => $2 / 1000.0) as window_end`,
      [this.keyOf(key), this.windowMs],
    );
    if (Math.random() * SWEEP_ONE_IN < 1) await this.sweep();
    const row = rows[0]!;
    return { totalHits: row.hits, resetTime: row.window_end };
  }

  async decrement(key: string): Promise<void> {
    await this.db.query(
      `update rate_limit_windows set hits = greatest(hits - 1, 0)
        where key = $1 and window_start = to_timestamp(floor(extract(epoch from now()) * 1000 / $2) * $2 / 1000.0)`,
      [this.keyOf(key), this.windowMs],
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.db.query('delete from rate_limit_windows where key = $1', [this.keyOf(key)]);
  }

  private async sweep(): Promise<void> {
    await this.db.query(`delete from rate_limit_windows where window_start < now() - make_interval(secs => $1 / 1000.0)`, [this.windowMs * KEPT_WINDOWS]);
  }
}

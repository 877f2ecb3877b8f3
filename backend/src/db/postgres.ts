import pg from 'pg';
import { libpqConnectionString } from './connection-string.js';
import { withSavepoint, type Db, type QueryOptions } from './db.js';
import { PreparedNames } from './prepared.js';
import type { Logger } from '../logger.js';

const INT8_OID = 20;

/**
 * The driver returns int8 (count(*), bigint columns) as strings; PGlite returns numbers.
 * Convert here so both engines hand features the same values. Our int8 values are counts,
 * far below 2^53.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

type Client = Pick<pg.PoolClient, 'query'>;

/** Connections kept when the caller does not say (PREX_DATABASE_POOL_SIZE's default). */
export const DEFAULT_POOL_SIZE = 10;

/**
 * A pool of connections to a Postgres server (or a Supabase project's database). `sslmode` in the
 * URL means what libpq means by it; `caFile` is a PEM root certificate to verify the server against.
 * At most `poolSize` statements run at once; the others wait for a connection in arrival order.
 */
export function openPostgres(url: string, log: Logger, caFile?: string, poolSize = DEFAULT_POOL_SIZE): Db {
  const connection = libpqConnectionString(url, caFile);
  if (connection.tls === 'encrypted, certificate not verified') {
    log.warn('postgres: the connection is encrypted but the server certificate is not verified; set PREX_DATABASE_CA_FILE to its CA certificate');
  }
  // JIT compilation costs tens of ms per query and pays off only for long analytical queries;
  // Prex runs short ones (a full-text search over 100k chunks took 35 ms median with it, see docs/retrieval.md).
  // onConnect is awaited before the client is handed out, so no query can overlap the SET.
  const onConnect = async (client: pg.ClientBase): Promise<void> => {
    await client.query('set jit = off').catch(() => undefined);
  };
  const pool = new pg.Pool({ connectionString: connection.url, types, max: poolSize, onConnect });
  // An idle client losing its connection emits 'error' on the pool; unhandled it would crash the process.
  pool.on('error', (err) => log.warn('postgres idle client error', { error: err.message }));
  const prepared = new PreparedNames();
  return {
    ...handle(pool, 0, prepared),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(handle(client, 1, prepared));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function handle(client: Client, depth: number, prepared: PreparedNames): Db {
  const db: Db = {
    engine: 'postgres',
    async query<Row>(sql: string, params?: readonly unknown[], opts?: QueryOptions) {
      const values = params ? [...params] : [];
      // A named query: the driver prepares it on each pooled connection the first time and then only binds it.
      const result = opts?.prepare ? await prepared.run(sql, (name) => client.query({ name, text: sql, values })) : await client.query(sql, values);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      // No parameters: the driver uses the simple protocol, which accepts several statements.
      await client.query(sql);
    },
    transaction: (work) => withSavepoint(db, depth, () => work(handle(client, depth + 1, prepared))),
    close: async () => {
      throw new Error('close() called on a transaction handle');
    },
  };
  return db;
}

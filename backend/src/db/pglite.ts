import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { withSavepoint, type Db, type QueryOptions } from './db.js';
import { preparedStatements, type RunPrepared } from './pglite-prepared.js';
import { PreparedNames } from './prepared.js';

type Queryable = Pick<Transaction, 'query' | 'exec'>;

/** True for the data-dir values that mean "keep everything in memory" (tests). */
export function isMemoryDir(dataDir: string | undefined): boolean {
  return !dataDir || dataDir === ':memory:' || dataDir.startsWith('memory://');
}

/**
 * Embedded Postgres (WASM) in this process. The data directory is created on first start;
 * ':memory:' or no directory keeps the database in memory.
 */
export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (!isMemoryDir(dataDir)) mkdirSync(dataDir!, { recursive: true });
  const pg = await PGlite.create({
    ...(isMemoryDir(dataDir) ? {} : { dataDir: dataDir! }),
    // A snapshot from dumpPglite(): several times faster than initialising a new cluster (tests).
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    // pgvector, for the optional vector channel (created by knowledge/search/vector.ts when used).
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS],
    serializers: { [BYTEA]: byteaToHex },
    parsers: { [BYTEA]: hexToBytes },
  });
  // PGlite already parses int8 as number, timestamptz as Date and jsonb as objects,
  // which is the shape postgres.ts converts the `pg` driver's values to.
  const statements: Statements = { names: new PreparedNames(), run: preparedStatements(pg) };
  const root = handle(pg, 0, statements);
  const db: Db = {
    ...root,
    transaction: (work) => pg.transaction((tx) => work(handle(tx, 1, statements))),
    close: () => pg.close(),
  };
  snapshots.set(db, () => pg.dumpDataDir('none'));
  return db;
}

/**
 * Postgres's server default of 128 MB shared buffers lives in PGlite's WASM memory, which is
 * touched at start and never returned: 150 of an idle process's ~310 MiB on PGlite alone. One
 * process with one connection needs far less; pages beyond these are read back from the data
 * directory's files, which the OS caches anyway. 16 MB is 2,048 pages (measured: idle RSS of PGlite
 * alone 309 → 177 MiB). Results are the same; only what stays in WASM memory changes.
 */
const MEMORY_SETTINGS = ['-c', 'shared_buffers=16MB'];

/** Postgres's type oid for bytea. */
const BYTEA = 17;

/**
 * bytea to and from Postgres's hex text form with Node's native hex codec. PGlite's own converters
 * go byte by byte through JavaScript arrays and strings: a 12 MB upload's payload held the event
 * loop (every tenant's requests) for seconds on the way in and again on the way out.
 */
function byteaToHex(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

function hexToBytes(text: string): Uint8Array {
  return Buffer.from(text.slice(2), 'hex');
}

const snapshots = new WeakMap<Db, () => Promise<Blob | File>>();

/** The whole cluster of a PGlite-backed Db as a tar Blob, for openPglite(…, { loadDataDir }). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const dump = snapshots.get(db);
  if (!dump) throw new Error('dumpPglite() needs a Db opened by openPglite()');
  return dump();
}

/** The database's prepared statements: their names and how they run. */
interface Statements {
  names: PreparedNames;
  run: RunPrepared;
}

function handle(target: Queryable, depth: number, statements: Statements): Db {
  const db: Db = {
    engine: 'pglite',
    async query<Row>(sql: string, params?: readonly unknown[], opts?: QueryOptions) {
      if (opts?.prepare) return statements.names.run(sql, (name) => statements.run<Row>(name, sql, params ?? [], depth > 0));
      const result = await target.query<Row>(sql, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
    transaction: (work) => withSavepoint(db, depth, () => work(handle(target, depth + 1, statements))),
    close: async () => {
      throw new Error('close() called on a transaction handle');
    },
  };
  return db;
}

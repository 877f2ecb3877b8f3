import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Logger } from '../logger.js';
import { readClusterSnapshot, snapshotFile, SNAPSHOT_DIR } from './cluster-snapshot.js';
import { withSavepoint, type Db, type QueryOptions } from './db.js';
import { preparedStatements, type RunPrepared } from './pglite-prepared.js';
import { PreparedNames } from './prepared.js';

type Queryable = Pick<Transaction, 'query' | 'exec'>;

/** True for the data-dir values that mean "keep everything in memory" (tests). */
export function isMemoryDir(dataDir: string | undefined): boolean {
  return !dataDir || dataDir === ':memory:' || dataDir.startsWith('memory://');
}

export interface OpenPgliteOptions {
  /** A snapshot from dumpPglite() to start a new cluster from (restores, test templates). */
  loadDataDir?: Blob;
  /**
   * Where the build's cluster snapshots are (cluster-snapshot.ts), for a new cluster; false: run
   * initdb (what the build does to make one).
   */
  snapshotDir?: string | false;
  /** Says how a new cluster was made, and why not from the snapshot. */
  log?: Logger;
  /** false: compile PGlite's WASM with Liftoff only (see useLiftoffOnly); absent or true: V8's default. */
  wasmTierUp?: boolean;
}

/**
 * Embedded Postgres (WASM) in this process. The data directory is created on first start, from the
 * build's cluster snapshot when there is one for this PGlite version, else by initdb; ':memory:'
 * or no directory keeps the database in memory.
 */
export async function openPglite(dataDir?: string, opts: OpenPgliteOptions = {}): Promise<Db> {
  if (!isMemoryDir(dataDir)) mkdirSync(dataDir!, { recursive: true });
  if (opts.wasmTierUp === false) useLiftoffOnly();
  const pg = opts.loadDataDir ? await createPglite(dataDir, opts.loadDataDir) : await openOrCreateCluster(dataDir, opts);
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
 * An existing cluster is resumed. A new one is loaded from the snapshot; if that fails (a damaged
 * file PGlite cannot start from), whatever it left in the directory, which was empty, is removed
 * and initdb makes the cluster as it would have without a snapshot.
 */
async function openOrCreateCluster(dataDir: string | undefined, opts: OpenPgliteOptions): Promise<PGlite> {
  if (!isNewCluster(dataDir) || opts.snapshotDir === false) return createPglite(dataDir);
  const snapshot = readClusterSnapshot(snapshotFile(undefined, opts.snapshotDir ?? SNAPSHOT_DIR));
  if (!snapshot.ok) {
    opts.log?.info('creating the embedded database with initdb (takes a few seconds)', { snapshot: snapshot.file, why: snapshot.reason });
    return createPglite(dataDir);
  }
  try {
    const pg = await createPglite(dataDir, snapshot.tar);
    opts.log?.debug('embedded database created from the cluster snapshot', { snapshot: snapshot.file });
    return pg;
  } catch (err) {
    opts.log?.warn('the cluster snapshot did not load; creating the embedded database with initdb instead', { snapshot: snapshot.file, error: (err as Error).message });
    if (!isMemoryDir(dataDir)) emptyDir(dataDir!);
    return createPglite(dataDir);
  }
}

/**
 * V8 compiles PGlite's 9 MB of WASM with Liftoff, then recompiles the functions that run hot with
 * TurboFan on background threads. That second tier held ~60 MiB of an idle server's ~240 (its
 * code and the compilers' malloc arenas, which are not given back) and competed with start-up for
 * the CPU; without it Postgres's own work runs slower once warm (bench/README.md, issue 18). The
 * flag is read when a module is compiled, so it is set before PGlite's first start, and it holds
 * for the whole process: every later WASM module is compiled the same way.
 */
function useLiftoffOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
}

/** In memory every open is a new cluster; on disk only an empty (or just created) directory is. */
function isNewCluster(dataDir: string | undefined): boolean {
  return isMemoryDir(dataDir) || readdirSync(dataDir!).length === 0;
}

/** Removes a directory's contents, not the directory: it may be a mount point or a link the operator made. */
function emptyDir(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
}

async function createPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  const options: PGliteOptions = {
    ...(isMemoryDir(dataDir) ? {} : { dataDir: dataDir! }),
    ...(loadDataDir ? { loadDataDir } : {}),
    // pgvector, for the optional vector channel (created by knowledge/search/vector.ts when used).
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS],
    serializers: { [BYTEA]: byteaToHex },
    parsers: { [BYTEA]: hexToBytes },
  };
  const pg = await PGlite.create(options);
  // PGlite keeps this very object for the life of the database; the tar it has unpacked (~40 MB
  // for a new cluster) would stay resident with it.
  delete options.loadDataDir;
  return pg;
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

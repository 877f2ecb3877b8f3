import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { dumpPglite, isMemoryDir, openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Logger } from '../logger.js';

const run = promisify(execFile);

/**
 * Backups of either engine, each in its engine's own format (a copy the engine itself restores,
 * nothing Prex has to keep compatible):
 * - the embedded PGlite: its whole data directory (PGlite's dumpDataDir), gzipped tar;
 * - a Postgres server: pg_dump's custom format, restored with pg_restore. pg_dump must be at least
 *   the server's major version (Debian's postgresql-client; Supabase 15/17 needs client 15/17).
 * A backup of one engine is not restored into the other: the file's first bytes say which it is.
 */
export type BackupKind = 'pglite' | 'postgres';

export interface TableCount {
  table: string;
  rows: number;
}

export interface BackupOutcome {
  kind: BackupKind;
  bytes: number;
  tables: TableCount[];
}

export interface RestoreOutcome extends BackupOutcome {
  /** With --force on the embedded database: where the data directory that was replaced now is. */
  movedAside?: string;
}

/** The refusal to restore over data; the CLI prints it as it is. */
export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

/** pg_dump's custom format starts with these bytes; a gzip stream with 1f 8b. */
const PG_DUMP_MAGIC = 'PGDMP';

export async function backupDatabase(config: Config['database'], file: string, log: Logger): Promise<BackupOutcome> {
  if (config.kind === 'postgres') {
    await pgTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, libpqUrl(config.url)], config);
    const tables = await withPostgres(config, log, tableCounts);
    return { kind: 'postgres', bytes: (await stat(file)).size, tables };
  }
  const dataDir = embeddedDir(config.dataDir);
  if (!hasFiles(dataDir)) throw new Error(`No embedded database in ${dataDir} (PREX_DATA_DIR): nothing to back up`);
  const db = await openPglite(dataDir);
  try {
    const tables = await tableCounts(db);
    const tar = Buffer.from(await (await dumpPglite(db)).arrayBuffer());
    await writeFile(file, gzipSync(tar));
    return { kind: 'pglite', bytes: (await stat(file)).size, tables };
  } finally {
    await db.close();
  }
}

/**
 * Restores `file` into the configured database. A database that holds any row (schema_migrations
 * aside: a server that started once has those) is refused unless `force`; then a server's objects
 * in the backup are dropped and recreated (pg_restore --clean), and an embedded data directory is
 * moved aside, not deleted.
 */
export async function restoreDatabase(config: Config['database'], file: string, opts: { force: boolean; log: Logger }): Promise<RestoreOutcome> {
  const kind = await backupKindOf(file);
  if (kind !== config.kind) {
    const target = config.kind === 'postgres' ? 'a Postgres server (DATABASE_URL)' : 'the embedded database (PREX_DATA_DIR)';
    throw new Error(`${file} is a backup of ${kind === 'postgres' ? 'a Postgres server' : 'the embedded database'}; the configured database is ${target}. Restore it where it came from`);
  }
  return config.kind === 'postgres' ? restorePostgres(config, file, opts) : restorePglite(config.dataDir, file, opts);
}

async function restorePostgres(config: Extract<Config['database'], { kind: 'postgres' }>, file: string, opts: { force: boolean; log: Logger }): Promise<RestoreOutcome> {
  const existing = await withPostgres(config, opts.log, tableCounts);
  refuseOverData(existing, 'the Postgres database in DATABASE_URL', opts.force);
  const clean = existing.length > 0 ? ['--clean', '--if-exists'] : [];
  await pgTool('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', ...clean, `--dbname=${libpqUrl(config.url)}`, file], config);
  const tables = await withPostgres(config, opts.log, tableCounts);
  return { kind: 'postgres', bytes: (await stat(file)).size, tables };
}

async function restorePglite(configured: string, file: string, opts: { force: boolean }): Promise<RestoreOutcome> {
  const dataDir = embeddedDir(configured);
  let movedAside: string | undefined;
  if (hasFiles(dataDir)) {
    const db = await openPglite(dataDir);
    const existing = await tableCounts(db).finally(() => db.close());
    refuseOverData(existing, `the embedded database in ${dataDir}`, opts.force);
    // PGlite loads a backup only into a new directory: the old one is kept, beside it.
    movedAside = `${dataDir.replace(/\/+$/, '')}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(dataDir, movedAside);
  }
  const tar = gunzipSync(await readFile(file));
  const db = await openPglite(dataDir, { loadDataDir: new Blob([tar]) });
  try {
    const tables = await tableCounts(db);
    return { kind: 'pglite', bytes: (await stat(file)).size, tables, ...(movedAside ? { movedAside } : {}) };
  } finally {
    await db.close();
  }
}

function refuseOverData(existing: TableCount[], where: string, force: boolean): void {
  const withRows = existing.filter((t) => t.rows > 0 && t.table !== 'schema_migrations');
  if (withRows.length === 0 || force) return;
  const rows = withRows.reduce((sum, t) => sum + t.rows, 0);
  throw new RestoreRefused(
    `Not restored: ${where} is not empty (${rows} rows in ${withRows.length} tables, e.g. ${withRows.slice(0, 3).map((t) => t.table).join(', ')}). ` +
      'Restore into a new database, or pass --force to replace what is there.',
  );
}

/** Which engine wrote a backup, from its first bytes. */
async function backupKindOf(file: string): Promise<BackupKind> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    if (head.toString('latin1') === PG_DUMP_MAGIC) return 'postgres';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
    throw new Error(`${file} is not a Prex backup (neither pg_dump's custom format nor a gzipped embedded database)`);
  } finally {
    await handle.close();
  }
}

/** Every table of the public schema with its row count, by name. */
export async function tableCounts(db: Db): Promise<TableCount[]> {
  const tables = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const counts: TableCount[] = [];
  for (const { name } of tables) {
    const rows = await db.query<{ n: number | string }>(`select count(*) as n from "${name.replace(/"/g, '""')}"`);
    counts.push({ table: name, rows: Number(rows[0]?.n ?? 0) });
  }
  return counts;
}

async function withPostgres<T>(config: Extract<Config['database'], { kind: 'postgres' }>, log: Logger, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openPostgres(config.url, log, config.caFile);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Runs pg_dump or pg_restore, with the CA file as libpq reads it; their stderr in the error. */
async function pgTool(tool: 'pg_dump' | 'pg_restore', args: string[], config: { caFile?: string }): Promise<void> {
  try {
    await run(tool, args, { env: { ...process.env, ...(config.caFile ? { PGSSLROOTCERT: config.caFile } : {}) }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${tool} is not installed: install the PostgreSQL client of your server's major version (Debian: apt-get install postgresql-client)`);
    throw new Error(`${tool} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** DATABASE_URL for libpq: it already means `sslmode` as libpq does; the pg driver's own switch would be refused. */
function libpqUrl(url: string): string {
  const [base, query] = url.split('?');
  if (!query) return url;
  const kept = query.split('&').filter((pair) => !pair.startsWith('uselibpqcompat='));
  return kept.length ? `${base}?${kept.join('&')}` : base!;
}

function embeddedDir(dataDir: string): string {
  if (isMemoryDir(dataDir)) throw new Error('PREX_DATA_DIR is in memory: there is no embedded database on disk to back up or restore into');
  return dataDir;
}

function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

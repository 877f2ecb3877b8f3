import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import type { Logger } from '../logger.js';

/** backend/migrations, found from this file's place in backend/src/db or backend/dist/db. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any constant works; it only has to be the same for every Prex process sharing a database. */
const MIGRATION_LOCK_KEY = 7_238_401_113;

export interface Migration {
  version: string;
  sql: string;
}

/** The *.sql files in filename order; the version is the filename without .sql. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (f) => ({ version: f.slice(0, -4), sql: await readFile(`${dir}/${f}`, 'utf8') })));
}

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction.
 * On a server, a transaction-scoped advisory lock makes concurrent start-ups take turns, and the
 * version check happens under that lock, so no migration is applied twice. Returns the versions applied.
 */
export async function migrate(db: Db, log: Logger, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  // One read instead of a transaction per migration on every start: a recorded version is never
  // undone, so it needs no lock. The rest are checked again under the lock (another process may be
  // applying them right now).
  const recorded = await appliedVersions(db);
  const applied: string[] = [];
  for (const migration of all.filter((m) => !recorded.has(m.version))) {
    const done = await db.transaction(async (tx) => {
      await lockMigrations(tx);
      await tx.exec('create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())');
      const rows = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version) values ($1)', [migration.version]);
      return true;
    });
    if (done) {
      applied.push(migration.version);
      log.info('migration applied', { version: migration.version, engine: db.engine });
    }
  }
  return applied;
}

/** The versions recorded in schema_migrations; none on a database never migrated. */
export async function appliedVersions(db: Db): Promise<Set<string>> {
  // to_regclass answers null instead of failing when the table does not exist.
  const [table] = await db.query<{ t: string | null }>(`select to_regclass('schema_migrations')::text as t`);
  if (!table?.t) return new Set();
  const rows = await db.query<{ version: string }>('select version from schema_migrations');
  return new Set(rows.map((r) => r.version));
}

async function lockMigrations(tx: Db): Promise<void> {
  // PGlite has a single connection, so there is nobody to wait for.
  if (tx.engine === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
}

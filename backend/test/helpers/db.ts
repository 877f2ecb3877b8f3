import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { openPglite } from '../../src/db/pglite.js';
import { createLogger } from '../../src/logger.js';

export const silentLog = createLogger('silent');

/**
 * A migrated in-memory PGlite database, loaded from the run's template snapshot
 * (test/global-setup.ts) and brought up to date by the real migration runner.
 */
export async function openMemoryDb(): Promise<Db> {
  const template = new Blob([await readFile(inject('pgliteTemplate'))]);
  const db = await openPglite(':memory:', { loadDataDir: template });
  await migrate(db, silentLog);
  return db;
}

/** A new, empty database on the run's Postgres server (test/global-setup.ts); drop() removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('postgresUrl');
  const name = `prex_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type Engine = 'pglite' | 'postgres';

/** A migrated database of either engine, with a cleanup that also drops a server database. */
export async function openEngine(engine: Engine): Promise<{ db: Db; url?: string; close(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openMemoryDb();
    return { db, close: () => db.close() };
  }
  const database = await createPostgresDatabase();
  const db = await openDatabase({ kind: 'postgres', url: database.url }, silentLog);
  return {
    db,
    url: database.url,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/**
 * A Db whose statements matching `pattern` fail, inside transactions too: simulates a crash
 * half-way through a multi-statement write.
 */
export function failingOn(db: Db, pattern: RegExp, enabled: () => boolean = () => true): Db {
  const fails = (sql: string) => enabled() && pattern.test(sql);
  const wrap = (inner: Db): Db => ({
    engine: inner.engine,
    query: (sql, params, opts) => (fails(sql) ? Promise.reject(new Error(`injected failure: ${pattern}`)) : inner.query(sql, params, opts)),
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return wrap(db);
}

/**
 * A Db whose statements matching `pattern` wait `ms` before running, inside transactions too:
 * widens the window between a check and the write that follows it, so racing writers overlap.
 */
export function slowOn(db: Db, pattern: RegExp, ms: number): Db {
  const pause = () => new Promise((resolve) => setTimeout(resolve, ms));
  const wrap = (inner: Db): Db => ({
    engine: inner.engine,
    query: async (sql, params, opts) => {
      if (pattern.test(sql)) await pause();
      return inner.query(sql, params, opts);
    },
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return wrap(db);
}

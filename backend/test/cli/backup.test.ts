import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { openDatabase } from '../../src/db/open.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { createJob } from '../../src/knowledge/jobs/repository.js';
import { makeTenant } from '../helpers/app.js';
import { ensureBuilt, prex } from '../helpers/cli.js';
import { createPostgresDatabase, silentLog } from '../helpers/db.js';

/**
 * `prex backup` then `prex restore` into a fresh database, with the real command line, on both
 * engines: every table holds the same rows after as before.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-backup-'));
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Tenants, keys, documents and their chunks, a job with its bytes (bytea): what an operator would lose. */
async function seed(database: Config['database']): Promise<void> {
  const db = await openDatabase(database, silentLog);
  try {
    for (const name of ['Acme', 'Globex']) {
      const { tenant } = await makeTenant(db, name);
      await upsertDocument(db, tenant.id, { externalId: 'refunds', title: 'Refunds', content: `# Refunds at ${name}\n\nWithin 30 days, no questions asked.` });
      await createJob(db, tenant.id, 'api', [{ externalId: 'upload', bytes: new Uint8Array([0, 1, 2, 250, 255]), format: 'text', title: 'Upload' }]);
    }
  } finally {
    await db.close();
  }
}

/** Every table's rows as sorted JSON texts, by table name. */
async function everyRow(database: Config['database']): Promise<Record<string, string[]>> {
  const db: Db = await openDatabase(database, silentLog);
  try {
    const tables = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
    const all: Record<string, string[]> = {};
    for (const { name } of tables) {
      const rows = await db.query<{ r: string }>(`select row_to_json(t)::text as r from "${name}" t`);
      all[name] = rows.map((row) => row.r).sort();
    }
    return all;
  } finally {
    await db.close();
  }
}

function envOf(database: Config['database']): Record<string, string> {
  return database.kind === 'postgres' ? { DATABASE_URL: database.url } : { PREX_DATA_DIR: database.dataDir };
}

describe.each(['pglite', 'postgres'] as const)('prex backup / prex restore on %s', (engine) => {
  let source: Config['database'];
  let target: Config['database'];
  const drops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (engine === 'pglite') {
      source = { kind: 'pglite', dataDir: path.join(dir, 'source') };
      target = { kind: 'pglite', dataDir: path.join(dir, 'target') };
    } else {
      const [a, b] = [await createPostgresDatabase(), await createPostgresDatabase()];
      drops.push(a.drop, b.drop);
      source = { kind: 'postgres', url: a.url };
      target = { kind: 'postgres', url: b.url };
    }
    await seed(source);
  }, 120_000);
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('restores into a fresh database with every table’s rows equal', async () => {
    const file = path.join(dir, `${engine}.backup`);
    const backup = await prex(['backup', file], envOf(source));
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up the .* to .*\.backup \([\d.]+ [kM]B\): \d+ tables, \d+ rows\.\n$/);

    const restore = await prex(['restore', file], envOf(target));
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^Restored .* into the .*: \d+ tables, \d+ rows\.\n$/);

    const [before, after] = [await everyRow(source), await everyRow(target)];
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(before.tenants).toHaveLength(2);
    expect(before.ingestion_job_items).toHaveLength(2);
    expect(before.chunks?.length).toBeGreaterThan(0);
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
  }, 120_000);

  it('refuses to restore over a database that holds data, and replaces it with --force', async () => {
    const file = path.join(dir, `${engine}.backup`);
    const refused = await prex(['restore', file], envOf(target));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not restored: .* is not empty \(\d+ rows in \d+ tables, e\.g\. .*\)\. Restore into a new database, or pass --force/);

    // Data written after the backup goes away with --force: the database is the backup again.
    const db = await openDatabase(target, silentLog);
    await makeTenant(db, 'Written after the backup');
    await db.close();
    const forced = await prex(['restore', '--force', file], envOf(target));
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    if (engine === 'pglite') {
      expect(forced.stdout).toMatch(/The data directory it replaced was moved to .*target\.before-restore-/);
      expect((await readdir(dir)).some((name) => name.startsWith('target.before-restore-'))).toBe(true);
    }
    expect(await everyRow(target)).toEqual(await everyRow(source));
  }, 120_000);

  it('says what is wrong with a file that is no backup, or one of the other engine', async () => {
    const other = path.join(dir, `${engine}-not-a-backup.txt`);
    await import('node:fs/promises').then((fs) => fs.writeFile(other, 'hello'));
    const notBackup = await prex(['restore', other], envOf(target));
    expect(notBackup.code).toBe(1);
    expect(notBackup.stderr).toMatch(/is not a Prex backup/);
    const otherEngine = engine === 'pglite' ? 'postgres' : 'pglite';
    const crossed = await prex(['restore', '--force', path.join(dir, `${engine}.backup`)], envOf(otherEngine === 'postgres' ? { kind: 'postgres', url: 'postgres://127.0.0.1:1/none' } : { kind: 'pglite', dataDir: path.join(dir, 'elsewhere') }));
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toMatch(/is a backup of .*; the configured database is .*Restore it where it came from/);
    const missing = await prex(['restore', path.join(dir, 'missing.backup')], envOf(target));
    expect(missing.stderr).toMatch(/Cannot read .*missing\.backup: no such file/);
  }, 120_000);
});

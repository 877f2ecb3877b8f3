import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '@prex/testing/postgres';
import { migrate } from '../src/db/migrate.js';
import { dumpPglite, openPglite } from '../src/db/pglite.js';
import { createLogger } from '../src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Maintenance database of the throwaway server; suites create their own databases on it. */
    postgresUrl: string;
    /** A migrated, empty PGlite cluster dumped to a tar file; loading it is much faster than creating one. */
    pgliteTemplate: string;
  }
}

/**
 * Once per run: a real Postgres server (Debian's binaries) for the storage suite, and a migrated
 * PGlite snapshot that every test database starts from. Both are removed after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [server, template] = await Promise.all([startPostgres({ database: 'prex' }), pgliteTemplate()]);
  project.provide('postgresUrl', server.url);
  project.provide('pgliteTemplate', template.file);
  return async () => {
    await Promise.all([server.stop(), template.remove()]);
  };
}

async function pgliteTemplate(): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'prex-pglite-template-'));
  const db = await openPglite(':memory:');
  await migrate(db, createLogger('silent'));
  const dump = await dumpPglite(db);
  await db.close();
  const file = path.join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

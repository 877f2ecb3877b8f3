import { loadConfig, type Config } from '../config.js';
import type { Db } from '../db/db.js';
import { openDatabase } from '../db/open.js';
import { createLogger, type Logger } from '../logger.js';
import { findById, findByPublishableKey } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * Runs `work` on the database configured like the server (DATABASE_URL, or the embedded PGlite in
 * PREX_DATA_DIR), migrated, and closes it after. Quiet unless LOG_LEVEL asks: migration lines
 * would drown a command's own output.
 */
export async function withDatabase<T>(work: (db: Db, context: { config: Config; log: Logger }) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const db = await openDatabase(config.database, log);
  try {
    return await work(db, { config, log });
  } finally {
    await db.close();
  }
}

/** A tenant named on the command line by its id (ten_…) or its publishable key (pk_…). */
export async function findTenant(db: Db, idOrKey: string): Promise<Tenant> {
  const tenant = idOrKey.startsWith('pk_') ? await findByPublishableKey(db, idOrKey) : await findById(db, idOrKey);
  if (!tenant) throw new Error(`No tenant ${idOrKey} in this database (give a tenant id ten_… or a publishable key pk_…)`);
  return tenant;
}

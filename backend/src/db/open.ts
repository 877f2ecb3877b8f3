import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from './db.js';
import { libpqConnectionString } from './connection-string.js';
import { migrate } from './migrate.js';
import { isMemoryDir, openPglite } from './pglite.js';

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Config['database'], log: Logger): Promise<Db> {
  // Each engine's driver is loaded only when it is the one configured (`pg` is ~13 MiB resident).
  const db = config.kind === 'postgres' ? (await import('./postgres.js')).openPostgres(config.url, log, config.caFile, config.poolSize) : await openPglite(config.dataDir, { log, wasmTierUp: config.wasmTierUp });
  try {
    await migrate(db, log);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  log.info('database ready', {
    engine: db.engine,
    where: config.kind === 'postgres' ? redactUrl(config.url) : isMemoryDir(config.dataDir) ? 'memory' : config.dataDir,
    ...(config.kind === 'postgres' ? { tls: libpqConnectionString(config.url, config.caFile).tls, poolSize: config.poolSize } : {}),
  });
  return db;
}

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

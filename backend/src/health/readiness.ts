import type { Db } from '../db/db.js';
import { appliedVersions, loadMigrations, MIGRATIONS_DIR } from '../db/migrate.js';
import type { Logger } from '../logger.js';

/** What /readyz reports: ready, or the first check that failed and why. */
export type Readiness =
  | { ready: true; migrations: number }
  | { ready: false; check: 'database' | 'migrations'; reason: string; pending?: string[] };

export interface ReadinessOptions {
  /** Where the migrations this build expects live (backend/migrations). */
  migrationsDir?: string;
  /** A database that does not answer within this is reported as not ready instead of holding the probe. */
  timeoutMs?: number;
}

/**
 * Checks what a load balancer needs before sending traffic: the database answers a query, and every
 * migration file this build ships is recorded as applied (a new release against a database another
 * instance has not migrated yet is not ready).
 */
export function createReadinessCheck(db: Db, log: Logger, options: ReadinessOptions = {}): () => Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  // The files do not change while the process runs: read them once.
  let expected: Promise<string[]> | undefined;
  const expectedVersions = () => (expected ??= loadMigrations(options.migrationsDir ?? MIGRATIONS_DIR).then((all) => all.map((m) => m.version)));

  return async () => {
    let applied: Set<string>;
    try {
      applied = await withTimeout(appliedVersions(db), timeoutMs, `the database did not answer within ${timeoutMs} ms`);
    } catch (err) {
      log.warn('not ready: database', { error: err instanceof Error ? err.message : String(err) });
      return { ready: false, check: 'database', reason: describe(err) };
    }
    const pending = (await expectedVersions()).filter((v) => !applied.has(v));
    if (pending.length > 0) {
      return { ready: false, check: 'migrations', reason: `${pending.length} migration(s) not applied`, pending };
    }
    return { ready: true, migrations: applied.size };
  };
}

export class ReadinessTimeout extends Error {}

/** `work`, or a ReadinessTimeout after `ms`: a dependency that never answers must not hold whoever asked. */
export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadinessTimeout(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The probe is public: say what kind of failure it is, never the driver's message (it can carry a
 * host name, a user or a file path). The full error goes to the log.
 */
function describe(err: unknown): string {
  if (err instanceof ReadinessTimeout) return err.message;
  // A socket error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND) tells the operator where to look and names nothing.
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? `the database did not answer a query (${code})` : 'the database did not answer a query';
}

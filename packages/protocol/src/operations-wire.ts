/**
 * The console's Operations page routes and limits (owners and admins; an agent gets 403), without
 * zod: the console imports them through '@prex/protocol/wire'. The schemas are in operations.ts.
 */

export const OPERATIONS_ROUTES = {
  /** GET: the effective configuration (secrets redacted), runtime flags, this instance's recent log lines, ingestion jobs. */
  overview: '/v1/staff/operations',
  /** GET: database, mail, model and embeddings, each checked now under a timeout. */
  health: '/v1/staff/operations/health',
} as const;

export const OPERATIONS_LIMITS = {
  /** Log lines listed, newest first. */
  logLines: 100,
  /** Warnings and errors listed, newest first. */
  errors: 20,
  /** Ingestion jobs listed, newest first. */
  jobs: 20,
} as const;

/** What a dependency check found: answering, failing (with why), or not configured at all. */
export const DEPENDENCY_STATES = ['ok', 'degraded', 'off'] as const;
export const DEPENDENCY_NAMES = ['database', 'mail', 'model', 'embeddings'] as const;

import { OPERATIONS_LIMITS, OPERATIONS_ROUTES, type OperationsHealthResponse, type OperationsLogLine, type OperationsOverviewResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { createDependencyChecks } from '../health/dependencies.js';
import type { Routes } from '../http/route-group.js';
import { listJobs } from '../knowledge/jobs/repository.js';
import type { LogRing, VisibleLogLine } from '../log-ring.js';
import type { Logger } from '../logger.js';
import { requireRole } from '../staff/session-auth.js';
import { effectiveConfig } from './effective-config.js';
import { runtimeFlags } from './runtime-flags.js';

export interface StaffOperationsDeps {
  db: Db;
  log: Logger;
  config: Config;
  routes: Routes;
  /** The logger's in-memory lines; undefined: this instance keeps none (the page says so). */
  logRing: LogRing | undefined;
  /** Longest one dependency check may take. */
  healthTimeoutMs?: number;
}

/**
 * The console's Operations page, for owners and admins (an agent gets 403): is the instance
 * healthy, what does it run with, what did it log lately, how are this workspace's ingestion jobs.
 * The configuration is the instance's, every secret redacted; the log lines are this instance's,
 * only those about the viewer's workspace and the instance itself (log-ring.ts).
 */
export function createStaffOperationsFeature(deps: StaffOperationsDeps): Feature {
  const routes = deps.routes.staff();
  const managers = requireRole('owner', 'admin');
  const checkHealth = createDependencyChecks({ db: deps.db, log: deps.log, config: deps.config, ...(deps.healthTimeoutMs ? { timeoutMs: deps.healthTimeoutMs } : {}) });
  const startedAt = new Date();
  // Fixed for the process: computed once.
  const config = effectiveConfig(deps.config);

  routes.get(OPERATIONS_ROUTES.health, managers, async (_req, res) => {
    const out: OperationsHealthResponse = { checkedAt: new Date().toISOString(), checks: await checkHealth() };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.get(OPERATIONS_ROUTES.overview, managers, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const ring = deps.logRing;
    const jobs = await listJobs(deps.db, tenantId, OPERATIONS_LIMITS.jobs);
    const out: OperationsOverviewResponse = {
      instance: { startedAt: startedAt.toISOString(), uptimeSeconds: Math.round(process.uptime()), node: process.version },
      runtime: runtimeFlags(deps.config, ring !== undefined),
      config,
      logs: {
        capturing: ring !== undefined,
        capacity: ring?.capacity ?? 0,
        lines: (ring?.visibleTo(tenantId, { limit: OPERATIONS_LIMITS.logLines }) ?? []).map(toWire),
        errors: (ring?.visibleTo(tenantId, { limit: OPERATIONS_LIMITS.errors, minLevel: 'warn' }) ?? []).map(toWire),
      },
      jobs: jobs.map((j) => ({ id: j.id, origin: j.origin, status: j.status, counts: j.counts, createdAt: j.createdAt.toISOString(), updatedAt: j.updatedAt.toISOString() })),
    };
    res.set('Cache-Control', 'no-store').json(out);
  });

  return { publicRoutes: routes.router };
}

const toWire = (line: VisibleLogLine): OperationsLogLine => ({ ...line, at: line.at.toISOString() });

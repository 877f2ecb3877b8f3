import { discardBody } from '../http/discard-body.js';
import { Router } from 'express';
import { ROUTES } from '@prex/protocol';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { createReadinessCheck, type ReadinessOptions } from './readiness.js';

export interface ReadinessRouterDeps {
  db: Db;
  log: Logger;
  options?: ReadinessOptions;
}

/**
 * GET /readyz: 200 when this instance can serve (database answers, schema current), otherwise 503
 * with the failed check and its reason. No key and no rate limit: load balancers and orchestrators
 * poll it. /healthz stays the cheap liveness check that touches nothing.
 */
export function createReadinessRouter(deps: ReadinessRouterDeps): Router {
  const check = createReadinessCheck(deps.db, deps.log, deps.options);
  const router = Router();
  router.get(ROUTES.ready, discardBody, async (_req, res, next) => {
    try {
      const readiness = await check();
      // A probe's answer is about this moment: never cached by a proxy.
      res.set('cache-control', 'no-store');
      if (readiness.ready) {
        res.json({ ok: true, migrationsApplied: readiness.migrations });
        return;
      }
      res.status(503).json({ ok: false, check: readiness.check, reason: readiness.reason, ...(readiness.pending ? { pending: readiness.pending } : {}) });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

import { Router } from 'express';
import { labelAnalyticsQuerySchema, USAGE_ROUTES, usageQuerySchema } from '@prex/protocol';
import { labelCounts } from '../classification/label-counts.js';
import type { Db } from '../db/db.js';
import { tenantOf } from '../http/context.js';
import { parseInput } from '../http/validate.js';
import { secretKeyAuth } from '../tenants/middleware.js';
import { resolveDayRange } from './range.js';
import { usageReport } from './report.js';

/**
 * The tenant's usage and analytics (secret key):
 * `GET /v1/admin/usage?from&to&groupBy=day|agent|model|purpose`: model calls, tokens, cost, errors, timings;
 * `GET /v1/admin/analytics/labels?from&to`: how user messages were classified.
 * Days are UTC; with no range, the last 30 days.
 */
export function createUsageAdminRouter(db: Db): Router {
  const router = Router();
  router.use([USAGE_ROUTES.usage, USAGE_ROUTES.labels], secretKeyAuth(db));

  router.get(USAGE_ROUTES.usage, async (req, res) => {
    const query = parseInput(usageQuerySchema, req.query, 'usage query');
    const report = await usageReport(db, tenantOf(res).id, resolveDayRange(query), query.groupBy);
    res.set('Cache-Control', 'no-store').json(report);
  });

  router.get(USAGE_ROUTES.labels, async (req, res) => {
    const query = parseInput(labelAnalyticsQuerySchema, req.query, 'analytics query');
    const counts = await labelCounts(db, tenantOf(res).id, resolveDayRange(query));
    res.set('Cache-Control', 'no-store').json(counts);
  });

  return router;
}

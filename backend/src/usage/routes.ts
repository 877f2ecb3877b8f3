import { USAGE_ROUTES, usageQuerySchema } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import { resolveDayRange } from './range.js';
import { usageReport } from './report.js';

/**
 * The tenant's usage (secret key):
 * `GET /v1/admin/usage?from&to&groupBy=day|agent|model|purpose`: model calls, tokens, cost, errors, timings.
 * Days are UTC; with no range, the last 30 days.
 */
export function createUsageFeature(deps: { db: Db; routes: Routes }): Feature {
  const { db } = deps;
  const routes = deps.routes.admin();
  routes.get(USAGE_ROUTES.usage, async (req, res) => {
    const query = parseInput(usageQuerySchema, req.query, 'usage query');
    const report = await usageReport(db, tenantOf(res).id, resolveDayRange(query), query.groupBy);
    res.set('Cache-Control', 'no-store').json(report);
  });
  return { adminRoutes: routes.router };
}

import { labelAnalyticsQuerySchema, USAGE_ROUTES } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import { resolveDayRange } from '../usage/range.js';
import { labelCounts } from './label-counts.js';

/**
 * How the tenant's user messages were classified (secret key):
 * `GET /v1/admin/analytics/labels?from&to`, UTC days, by default the last 30.
 */
export function createLabelAnalyticsFeature(deps: { db: Db; routes: Routes }): Feature {
  const { db } = deps;
  const routes = deps.routes.admin();
  routes.get(USAGE_ROUTES.labels, async (req, res) => {
    const query = parseInput(labelAnalyticsQuerySchema, req.query, 'analytics query');
    const counts = await labelCounts(db, tenantOf(res).id, resolveDayRange(query));
    res.set('Cache-Control', 'no-store').json(counts);
  });
  return { adminRoutes: routes.router };
}

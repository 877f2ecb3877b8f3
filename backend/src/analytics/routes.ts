import { ANALYTICS_ROUTES, analyticsQuerySchema } from '@prex/protocol';
import { staffOf, tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import { resolveDayRange } from '../usage/range.js';
import { analyticsReport } from './report.js';

/**
 * The console's Analytics (staff session): `GET /v1/staff/analytics?from&to`, UTC days, by default
 * the last 30, at most 366. Every role may read how support is going — agents are the ones doing
 * it — but model spend is a business figure: it is reported to owners and admins only (null for agents).
 */
export function createAnalyticsFeature(deps: { db: Db; routes: Routes }): Feature {
  const routes = deps.routes.staff();
  routes.get(ANALYTICS_ROUTES.analytics, async (req, res) => {
    const query = parseInput(analyticsQuerySchema, req.query, 'analytics query');
    const withCost = staffOf(res).role !== 'agent';
    const report = await analyticsReport(deps.db, tenantOf(res).id, resolveDayRange(query), withCost);
    res.set('Cache-Control', 'no-store').json(report);
  });
  return { publicRoutes: routes.router };
}

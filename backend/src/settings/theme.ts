import { adminThemeRequestSchema } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { readStoredTheme, saveTheme } from '../tenants/repository.js';

export const ADMIN_THEME_ROUTE = '/v1/admin/theme';

/**
 * The tenant's widget theme, for its own servers (secret key):
 * GET returns `{ stored, theme }`; PUT replaces the stored theme with a validated partial theme
 * (colours guarded for WCAG AA contrast, tenant CSS checked against the allow-list) and returns the same shape.
 * Widgets pick it up on their next GET /v1/widget/config (not cached).
 */
export function addThemeRoutes(routes: RouteGroup, db: Db): void {
  routes.get(ADMIN_THEME_ROUTE, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await readStoredTheme(db, tenantOf(res).id));
  });

  routes.put(ADMIN_THEME_ROUTE, async (req, res) => {
    const theme = parseJsonBody(adminThemeRequestSchema, req, 'theme');
    const tenantId = tenantOf(res).id;
    await saveTheme(db, tenantId, theme);
    res.set('Cache-Control', 'no-store').json(await readStoredTheme(db, tenantId));
  });
}

import type { Response } from 'express';
import { defaultTheme, STAFF_THEME_ROUTES, staffThemeRequestSchema, type StaffThemeResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { requireRole } from '../staff/session-auth.js';
import { readStoredTheme, saveTheme } from '../tenants/repository.js';

/**
 * The console's Theme page, for owners and admins (an agent gets 403): the signed-in staff member's
 * tenant's widget theme, with the admin API's services and rules (PUT /v1/admin/theme): a partial
 * theme, colours refused under WCAG AA contrast, tenant CSS checked against the allow-list. The
 * defaults ride along so the console shows them without a copy of its own.
 *
 * A save is live on the next widget load: GET /v1/widget/config reads the tenant per request and is
 * never cached.
 */
export function createStaffThemeFeature(deps: { db: Db; routes: Routes }): Feature {
  const { db } = deps;
  const routes = deps.routes.staff();
  const managers = requireRole('owner', 'admin');

  const reply = async (res: Response, tenantId: string) => {
    const out: StaffThemeResponse = { ...(await readStoredTheme(db, tenantId)), defaults: defaultTheme };
    res.set('Cache-Control', 'no-store').json(out);
  };

  routes.get(STAFF_THEME_ROUTES.theme, managers, async (_req, res) => {
    await reply(res, tenantOf(res).id);
  });

  routes.put(STAFF_THEME_ROUTES.theme, managers, async (req, res) => {
    const theme = parseJsonBody(staffThemeRequestSchema, req, 'theme');
    const tenantId = tenantOf(res).id;
    await saveTheme(db, tenantId, theme);
    await reply(res, tenantId);
  });

  return { publicRoutes: routes.router };
}

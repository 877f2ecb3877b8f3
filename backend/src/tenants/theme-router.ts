import express, { Router } from 'express';
import { adminThemeRequestSchema, defaultTheme, themeOverrideSchema, themeSchema, type AdminThemeResponse, type ThemeOverride } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../http/context.js';
import { parseJsonBody } from '../http/validate.js';
import { secretKeyAuth } from './middleware.js';

export const ADMIN_THEME_ROUTE = '/v1/admin/theme';

/** What is stored for the tenant (a partial theme) and the complete theme the widget draws with. */
async function readStored(db: Db, tenantId: string): Promise<AdminThemeResponse> {
  const rows = await db.query<{ theme: unknown }>('select theme from tenants where id = $1', [tenantId]);
  const parsed = themeOverrideSchema.safeParse(rows[0]?.theme ?? {});
  const stored: ThemeOverride = parsed.success ? parsed.data : {};
  const theme = themeSchema.safeParse(stored);
  return { stored, theme: theme.success ? theme.data : defaultTheme };
}

/**
 * The tenant's widget theme, for its own servers (secret key):
 * GET returns `{ stored, theme }`; PUT replaces the stored theme with a validated partial theme
 * (colours guarded for WCAG AA contrast, tenant CSS sanitized) and returns the same shape.
 * Widgets pick it up on their next GET /v1/widget/config (not cached).
 */
export function createThemeAdminRouter(db: Db): Router {
  const router = Router();
  router.use(ADMIN_THEME_ROUTE, secretKeyAuth(db), express.json({ limit: '64kb', strict: true }));

  router.get(ADMIN_THEME_ROUTE, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await readStored(db, tenantOf(res).id));
  });

  router.put(ADMIN_THEME_ROUTE, async (req, res) => {
    const theme = parseJsonBody(adminThemeRequestSchema, req, 'theme');
    const tenantId = tenantOf(res).id;
    await db.query('update tenants set theme = $2::jsonb where id = $1', [tenantId, JSON.stringify(theme)]);
    res.set('Cache-Control', 'no-store').json(await readStored(db, tenantId));
  });

  return router;
}

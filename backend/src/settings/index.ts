import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { addAdminRetentionAndKeyRoutes } from './admin-retention-keys.js';
import { addTenantSettingsRoutes } from './tenant.js';
import { addThemeRoutes } from './theme.js';
import { addWidgetConfigRoute } from './widget-config.js';

/** The tenant's settings: what the widget draws with (public), and theme and origins (admin). */
export function createSettingsFeature(deps: { db: Db; routes: Routes; transcription?: boolean }): Feature {
  const publicRoutes = deps.routes.keyed();
  addWidgetConfigRoute(publicRoutes, deps.transcription ?? false);
  const adminRoutes = deps.routes.admin();
  addThemeRoutes(adminRoutes, deps.db);
  addTenantSettingsRoutes(adminRoutes, deps.db);
  addAdminRetentionAndKeyRoutes(adminRoutes, deps.db);
  return { publicRoutes: publicRoutes.router, adminRoutes: adminRoutes.router };
}

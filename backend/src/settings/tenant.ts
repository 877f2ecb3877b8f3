import { TENANT_ADMIN_ROUTE, tenantSettingsPatchSchema, type TenantSettingsResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { findById, updateTenantSettings } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';

const toResponse = (tenant: Tenant): TenantSettingsResponse => ({
  tenantId: tenant.id,
  name: tenant.name,
  publishableKey: tenant.publishableKey,
  allowedOrigins: tenant.allowedOrigins,
  adminOrigins: tenant.adminOrigins,
  voiceInput: tenant.voiceInput,
  imageHosts: tenant.imageHosts,
  createdAt: tenant.createdAt.toISOString(),
});

/** GET and PATCH /v1/admin/tenant: the tenant's name and the origins that may use its keys. */
export function addTenantSettingsRoutes(routes: RouteGroup, db: Db): void {
  routes.get(TENANT_ADMIN_ROUTE, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(toResponse(tenantOf(res)));
  });

  routes.patch(TENANT_ADMIN_ROUTE, async (req, res) => {
    const patch = parseJsonBody(tenantSettingsPatchSchema, req, 'tenant settings');
    const updated = await updateTenantSettings(db, tenantOf(res).id, patch);
    if (!updated) throw notFound('This tenant no longer exists');
    res.set('Cache-Control', 'no-store').json(toResponse(updated));
  });
}

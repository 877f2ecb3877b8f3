import type { Response } from 'express';
import { STAFF_SETTINGS_ROUTES, staffVoiceRequestSchema } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { requireRole } from '../staff/session-auth.js';
import { updateTenantSettings } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * PUT the widget's microphone (owners and admins): 'browser', 'server' or 'off'. The same tenant
 * setting as PATCH /v1/admin/tenant {voiceInput}; the widget reads it on its next page load.
 */
export function addStaffVoiceRoute(routes: RouteGroup, db: Db, replyWith: (res: Response, tenant: Tenant | undefined) => Promise<void>): void {
  routes.put(STAFF_SETTINGS_ROUTES.voice, requireRole('owner', 'admin'), async (req, res) => {
    const { voiceInput } = parseJsonBody(staffVoiceRequestSchema, req, 'voice input');
    await replyWith(res, await updateTenantSettings(db, tenantOf(res).id, { voiceInput }));
  });
}

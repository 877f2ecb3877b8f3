import type { Response } from 'express';
import { STAFF_SETTINGS_ROUTES, staffImageHostsRequestSchema } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { requireRole } from '../staff/session-auth.js';
import { updateTenantSettings } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * The hosts whose Markdown images answers show, from the console (owners and admins). The whole
 * list is sent each time: the console edits it as one text box, one host per line.
 */
export function addStaffImageHostsRoute(routes: RouteGroup, db: Db, reply: (res: Response, tenant: Tenant | undefined) => Promise<void>): void {
  routes.put(STAFF_SETTINGS_ROUTES.imageHosts, requireRole('owner', 'admin'), async (req, res) => {
    const { imageHosts } = parseJsonBody(staffImageHostsRequestSchema, req, 'image hosts');
    await reply(res, await updateTenantSettings(db, tenantOf(res).id, { imageHosts }));
  });
}

import type { Response } from 'express';
import { STAFF_SETTINGS_ROUTES, staffRetentionRequestSchema } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { setConversationRetentionDays } from '../retention/setting.js';
import { requireRole } from '../staff/session-auth.js';

/**
 * PUT the tenant's retention period (owners and admins): conversations quiet for longer are deleted
 * by the retention sweep (retention/sweep.ts) within the hour; null keeps them.
 */
export function addStaffRetentionRoute(routes: RouteGroup, db: Db, replyWithSettings: (res: Response) => Promise<void>): void {
  routes.put(STAFF_SETTINGS_ROUTES.retention, requireRole('owner', 'admin'), async (req, res) => {
    const { conversationRetentionDays } = parseJsonBody(staffRetentionRequestSchema, req, 'retention');
    await setConversationRetentionDays(db, tenantOf(res).id, conversationRetentionDays);
    await replyWithSettings(res);
  });
}

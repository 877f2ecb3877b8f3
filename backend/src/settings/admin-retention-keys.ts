import type { Response } from 'express';
import {
  adminRetentionRequestSchema,
  adminRotatePublishableKeyRequestSchema,
  TENANT_KEYS_ADMIN_ROUTES,
  type AdminRetentionResponse,
  type AdminRotatePublishableKeyResponse,
} from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { conversationRetentionDays, setConversationRetentionDays } from '../retention/setting.js';
import { previousPublishableKeys, rotatePublishableKey } from '../tenants/repository.js';

/**
 * The admin API's (secret key) way to the console's data retention and publishable-key rotation:
 * the same services and request bodies as the staff routes in staff-routes.ts and staff-retention.ts.
 */
export function addAdminRetentionAndKeyRoutes(routes: RouteGroup, db: Db): void {
  const replyWithRetention = async (res: Response, tenantId: string) => {
    const out: AdminRetentionResponse = { conversationRetentionDays: await conversationRetentionDays(db, tenantId) };
    res.set('Cache-Control', 'no-store').json(out);
  };

  routes.get(TENANT_KEYS_ADMIN_ROUTES.retention, async (_req, res) => {
    await replyWithRetention(res, tenantOf(res).id);
  });

  routes.put(TENANT_KEYS_ADMIN_ROUTES.retention, async (req, res) => {
    const { conversationRetentionDays: days } = parseJsonBody(adminRetentionRequestSchema, req, 'retention');
    const tenantId = tenantOf(res).id;
    await setConversationRetentionDays(db, tenantId, days);
    await replyWithRetention(res, tenantId);
  });

  // The old key keeps opening the widget for the grace, so pages still carrying the old snippet work while the site redeploys.
  routes.post(TENANT_KEYS_ADMIN_ROUTES.rotatePublishableKey, async (req, res) => {
    const { graceSeconds } = parseJsonBody(adminRotatePublishableKeyRequestSchema, req, 'rotation');
    const tenant = await rotatePublishableKey(db, tenantOf(res).id, graceSeconds);
    if (!tenant) throw notFound('This tenant no longer exists');
    const previous = await previousPublishableKeys(db, tenant.id);
    const out: AdminRotatePublishableKeyResponse = {
      tenantId: tenant.id,
      publishableKey: tenant.publishableKey,
      previousPublishableKeys: previous.map((k) => ({ publishableKey: k.publishableKey, expiresAt: k.expiresAt.toISOString() })),
    };
    res.set('Cache-Control', 'no-store').json(out);
  });
}

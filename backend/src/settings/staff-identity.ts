import type { Response } from 'express';
import { STAFF_SETTINGS_ROUTES, staffIdentitySettingsRequestSchema, type StaffRotateIdentitySecretResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import { customerSettings, rotateIdentitySecret, saveCustomerSettings } from '../customers/settings.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { requireRole } from '../staff/session-auth.js';

/**
 * Signed identities from the console: whether unsigned ones are refused (owners and admins), and a
 * new identity secret (the owner's alone). The secret is sent this once, on rotation: the console
 * never reads it otherwise, so a staff session cannot leak a secret nobody asked to see.
 */
export function addStaffIdentityRoutes(routes: RouteGroup, db: Db, replyWithSettings: (res: Response) => Promise<void>): void {
  routes.put(STAFF_SETTINGS_ROUTES.identity, requireRole('owner', 'admin'), async (req, res) => {
    const { requireSignedIdentity } = parseJsonBody(staffIdentitySettingsRequestSchema, req, 'identity settings');
    const tenantId = tenantOf(res).id;
    // Only this switch changes: the notification emails stay as they are.
    await saveCustomerSettings(db, tenantId, { ...(await customerSettings(db, tenantId)), requireSignedIdentity });
    await replyWithSettings(res);
  });

  routes.post(STAFF_SETTINGS_ROUTES.rotateIdentitySecret, requireRole('owner'), async (_req, res) => {
    const out: StaffRotateIdentitySecretResponse = { identitySecret: await rotateIdentitySecret(db, tenantOf(res).id) };
    res.set('Cache-Control', 'no-store').json(out);
  });
}

import type { Response } from 'express';
import { smsInboundPath, STAFF_SETTINGS_ROUTES, type StaffSmsSettingsResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { RouteGroup } from '../http/route-group.js';
import { requestOrigin } from '../staff/links.js';
import { requireRole } from '../staff/session-auth.js';
import { deleteSmsSettings, findSmsSettings, type SmsSettings } from './repository.js';
import { saveFromRequest, toResponse } from './settings-routes.js';
import type { TokenBox } from './token-box.js';

/**
 * The console's SMS card (owners and admins; an agent gets 403): the same services and validation as
 * the admin API's /v1/admin/sms/settings, for the signed-in staff member's tenant. The auth token is
 * write-only here too: only its masked hint goes back. Every answer carries the webhook's full URL
 * (PREX_PUBLIC_URL, else the request's origin) to paste into Twilio, set or not.
 */
export function addStaffSmsSettingsRoutes(routes: RouteGroup, db: Db, publicUrl: string | undefined, tokens: TokenBox): void {
  const managers = requireRole('owner', 'admin');

  const reply = (res: Response, settings: SmsSettings | undefined) => {
    const tenantId = tenantOf(res).id;
    const out: StaffSmsSettingsResponse = {
      sms: settings ? toResponse(settings, tokens) : null,
      webhookUrl: `${publicUrl ?? requestOrigin(res.req)}${smsInboundPath(tenantId)}`,
    };
    res.set('Cache-Control', 'no-store').json(out);
  };

  routes.get(STAFF_SETTINGS_ROUTES.sms, managers, async (_req, res) => {
    reply(res, await findSmsSettings(db, tenantOf(res).id));
  });

  routes.put(STAFF_SETTINGS_ROUTES.sms, managers, async (req, res) => {
    reply(res, await saveFromRequest(db, tenantOf(res).id, req, tokens));
  });

  // Removing what is not there is no error here: the card shows the empty form either way.
  routes.delete(STAFF_SETTINGS_ROUTES.sms, managers, async (_req, res) => {
    await deleteSmsSettings(db, tenantOf(res).id);
    reply(res, undefined);
  });
}

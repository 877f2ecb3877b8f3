import type { Request } from 'express';
import { SMS_ROUTES, smsInboundPath, smsSettingsRequestSchema, type SmsSettingsResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { deleteSmsSettings, findSmsSettings, saveSmsSettings, type SmsSettings } from './repository.js';
import { missingReference, type TokenBox } from './token-box.js';

/** The settings as a browser may see them: the token only as a hint (its last four characters, or its env reference). */
export function toResponse(settings: SmsSettings, tokens: TokenBox): SmsSettingsResponse {
  return {
    accountSid: settings.accountSid,
    authTokenHint: tokens.hint(settings.authToken),
    phoneNumber: settings.phoneNumber,
    keywordReplies: settings.keywordReplies,
    helpText: settings.helpText,
    managerNumbers: settings.managerNumbers,
    managerNames: settings.managerNames,
    webhookPath: smsInboundPath(settings.tenantId),
    updatedAt: settings.updatedAt.toISOString(),
  };
}

/** A manager's number that is the SMS number itself (400) or a customer's (409): the two never mix. */
function managerMixed(refusal: { managerIs: 'the-sms-number' | 'a-customer'; phone: string }, numbers: string[]): HttpError {
  const path = `managerNumbers.${numbers.indexOf(refusal.phone)}`;
  if (refusal.managerIs === 'the-sms-number') {
    return badRequest('Invalid SMS settings: a manager number cannot be the SMS number itself', [{ path, message: 'is the SMS number' }]);
  }
  return new HttpError(409, 'conflict', `${refusal.phone} texts this tenant as a customer: a manager's number must not be a customer's`, [{ path, message: 'is a customer number' }]);
}

/** Validates a PUT body and saves it, or throws the 4xx that says what is wrong (the admin API's and the console's). */
export async function saveFromRequest(db: Db, tenantId: string, req: Request, tokens: TokenBox): Promise<SmsSettings> {
  const input = parseJsonBody(smsSettingsRequestSchema, req, 'SMS settings');
  const missing = input.authToken && missingReference(input.authToken);
  if (missing) throw badRequest(`Invalid SMS settings: ${missing} is not set on the Prex server`, [{ path: 'authToken', message: `${missing} is not set` }]);
  const saved = await saveSmsSettings(db, tenantId, { ...input, authToken: input.authToken && tokens.seal(input.authToken) });
  if (saved === 'token-required') throw badRequest('Invalid SMS settings: authToken is required the first time', [{ path: 'authToken', message: 'required' }]);
  if (saved === 'number-taken') throw conflict(`${input.phoneNumber} is another tenant's SMS number`);
  if (typeof saved === 'object' && 'managerIs' in saved) throw managerMixed(saved, input.managerNumbers ?? []);
  return saved;
}

/**
 * The tenant's Twilio number (secret key). The auth token is write-only.
 * - GET    /v1/admin/sms/settings   404 until set
 * - PUT    /v1/admin/sms/settings   {accountSid, authToken?, phoneNumber, keywordReplies?, helpText?, managerNumbers?}
 * - DELETE /v1/admin/sms/settings   the number stops answering (its webhook gets 404)
 */
export function addSmsSettingsRoutes(routes: RouteGroup, db: Db, tokens: TokenBox): void {
  routes.get(SMS_ROUTES.settings, async (_req, res) => {
    const settings = await findSmsSettings(db, tenantOf(res).id);
    if (!settings) throw notFound('No SMS number is configured: PUT the Twilio account SID, auth token and number first');
    res.set('Cache-Control', 'no-store').json(toResponse(settings, tokens));
  });

  routes.put(SMS_ROUTES.settings, async (req, res) => {
    const saved = await saveFromRequest(db, tenantOf(res).id, req, tokens);
    res.set('Cache-Control', 'no-store').json(toResponse(saved, tokens));
  });

  routes.delete(SMS_ROUTES.settings, async (_req, res) => {
    if (!(await deleteSmsSettings(db, tenantOf(res).id))) throw notFound('No SMS number is configured');
    res.status(204).end();
  });
}

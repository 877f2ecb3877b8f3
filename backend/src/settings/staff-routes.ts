import type { Response } from 'express';
import {
  SETTINGS_LIMITS,
  STAFF_SETTINGS_ROUTES,
  staffOriginQuerySchema,
  staffOriginRequestSchema,
  staffOriginSchema,
  staffRotatePublishableKeyRequestSchema,
  staffRotateSecretKeyRequestSchema,
  staffSettingsEmailsSchema,
  type StaffRotateSecretKeyResponse,
  type StaffSettingsResponse,
} from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import { hasChannelSecret } from '../channel-api/secret.js';
import { customerSettings, saveCustomerSettings } from '../customers/settings.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { badRequest, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { requestOrigin } from '../staff/links.js';
import { requireRole } from '../staff/session-auth.js';
import { embedSnippet } from '../tenants/embed-snippet.js';
import { conversationRetentionDays } from '../retention/setting.js';
import { addAllowedOrigin, normalizeOrigins, previousPublishableKeys, removeAllowedOrigin, rotatePublishableKey, rotateSecretKey } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { addStaffIdentityRoutes } from './staff-identity.js';
import { addStaffImageHostsRoute } from './staff-image-hosts.js';
import { addStaffRetentionRoute } from './staff-retention.js';
import { addStaffVoiceRoute } from './staff-voice.js';

export interface StaffSettingsDeps {
  db: Db;
  routes: Routes;
  /** PREX_PUBLIC_URL (origin and path prefix): where the embed snippet loads the loader from; else the request's origin. */
  publicUrl: string | undefined;
  /** Whether a transcription endpoint is configured (the voice setting's 'server' needs one). */
  transcription?: boolean | undefined;
}

/**
 * The console's Settings page, for owners and admins (an agent gets 403): the allowed origins, the
 * embed snippet, the keys, the notification emails, signed identities and data retention of the
 * signed-in staff member's tenant, and the widget's microphone. The same services as the admin API and the CLI (`prex keys
 * rotate`); rotating a key or the identity secret is the owner's alone, since the secret key opens
 * the whole admin API and a publishable key or identity secret rotated by mistake breaks the site's widget.
 */
export function createStaffSettingsFeature(deps: StaffSettingsDeps): Feature {
  const { db } = deps;
  const routes = deps.routes.staff();
  const managers = requireRole('owner', 'admin');

  const reply = async (res: Response, tenant: Tenant | undefined) => {
    if (!tenant) throw notFound('This workspace no longer exists');
    const base = deps.publicUrl ?? requestOrigin(res.req);
    const [{ summaryEmails, handoffEmails, requireSignedIdentity }, retentionDays, previousKeys, hasSecret] = await Promise.all([
      customerSettings(db, tenant.id),
      conversationRetentionDays(db, tenant.id),
      previousPublishableKeys(db, tenant.id),
      hasChannelSecret(db, tenant.id),
    ]);
    const out: StaffSettingsResponse = {
      tenantId: tenant.id,
      name: tenant.name,
      publishableKey: tenant.publishableKey,
      allowedOrigins: tenant.allowedOrigins,
      embedSnippet: embedSnippet(base, tenant.publishableKey),
      emails: { summaryEmails, handoffEmails },
      identity: { requireSignedIdentity },
      retention: { conversationRetentionDays: retentionDays },
      previousPublishableKeys: previousKeys.map((k) => ({ publishableKey: k.publishableKey, expiresAt: k.expiresAt.toISOString() })),
      channels: { hasSecret },
      imageHosts: tenant.imageHosts,
      voice: { voiceInput: tenant.voiceInput, transcription: deps.transcription ?? false },
    };
    res.set('Cache-Control', 'no-store').json(out);
  };

  routes.get(STAFF_SETTINGS_ROUTES.settings, managers, async (_req, res) => {
    await reply(res, tenantOf(res));
  });

  routes.post(STAFF_SETTINGS_ROUTES.origins, managers, async (req, res) => {
    const { origin } = parseJsonBody(staffOriginRequestSchema, req, 'origin');
    const added = await addAllowedOrigin(db, tenantOf(res).id, origin, SETTINGS_LIMITS.maxOrigins);
    if (added === 'full') throw badRequest(`This workspace already allows ${SETTINGS_LIMITS.maxOrigins} origins, the most it may; remove one first`);
    await reply(res, added);
  });

  routes.delete(STAFF_SETTINGS_ROUTES.origins, managers, async (req, res) => {
    const query = parseInput(staffOriginQuerySchema, req.query, 'query');
    const [origin] = normalizeOrigins([parseInput(staffOriginSchema, query.origin, 'origin')]);
    const removed = await removeAllowedOrigin(db, tenantOf(res).id, origin!);
    if (!removed) throw notFound(`${origin} is not an allowed origin of this workspace`);
    await reply(res, removed);
  });

  routes.put(STAFF_SETTINGS_ROUTES.emails, managers, async (req, res) => {
    const emails = parseJsonBody(staffSettingsEmailsSchema, req, 'notification emails');
    const tenant = tenantOf(res);
    // Only the emails change: whether identities must be signed stays as the admin API set it.
    const stored = await customerSettings(db, tenant.id);
    await saveCustomerSettings(db, tenant.id, { ...stored, ...emails });
    await reply(res, tenant);
  });

  routes.post(STAFF_SETTINGS_ROUTES.rotateSecretKey, requireRole('owner'), async (req, res) => {
    const { graceSeconds } = parseJsonBody(staffRotateSecretKeyRequestSchema, req, 'rotation');
    const secretKey = await rotateSecretKey(db, tenantOf(res).id, graceSeconds);
    const out: StaffRotateSecretKeyResponse = { secretKey, oldKeysExpireAt: new Date(Date.now() + graceSeconds * 1000).toISOString() };
    res.set('Cache-Control', 'no-store').json(out);
  });

  // The old key keeps opening the widget for the grace, so pages still carrying the old snippet work while the site redeploys.
  routes.post(STAFF_SETTINGS_ROUTES.rotatePublishableKey, requireRole('owner'), async (req, res) => {
    const { graceSeconds } = parseJsonBody(staffRotatePublishableKeyRequestSchema, req, 'rotation');
    await reply(res, await rotatePublishableKey(db, tenantOf(res).id, graceSeconds));
  });

  const replyWithSettings = (res: Response) => reply(res, tenantOf(res));
  addStaffIdentityRoutes(routes, db, replyWithSettings);
  addStaffRetentionRoute(routes, db, replyWithSettings);
  addStaffImageHostsRoute(routes, db, reply);
  addStaffVoiceRoute(routes, db, (res, tenant) => reply(res, tenant));

  return { publicRoutes: routes.router };
}

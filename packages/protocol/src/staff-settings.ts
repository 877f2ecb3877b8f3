import { z } from 'zod';
import { customerSettingsSchema } from './customers.js';
import { SETTINGS_LIMITS } from './settings-wire.js';
import { tenantOriginSchema } from './tenant.js';

export { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES } from './settings-wire.js';

/**
 * Bodies of the console's Settings routes (settings-wire.ts). They reuse the admin API's rules: an
 * origin as PATCH /v1/admin/tenant takes it, the emails as PUT /v1/admin/customer-settings.
 */

/** The notification emails of the customer settings: summaries (to the customer, a copy to the team) and handoff notices. */
export const staffSettingsEmailsSchema = customerSettingsSchema.pick({ summaryEmails: true, handoffEmails: true }).required();
export type StaffSettingsEmails = z.output<typeof staffSettingsEmailsSchema>;

/** GET /v1/staff/settings (and the answer of every change but the rotation). */
export const staffSettingsResponseSchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  publishableKey: z.string(),
  /** Pages from these origins may use the publishable key (the widget loads on them). */
  allowedOrigins: z.array(z.string()),
  /** The <script> tag to paste on the site. */
  embedSnippet: z.string(),
  emails: staffSettingsEmailsSchema,
});
export type StaffSettingsResponse = z.infer<typeof staffSettingsResponseSchema>;

/**
 * An origin exactly: scheme://host[:port], as browsers send it. A path is refused rather than cut
 * off, so nobody believes they allowed one page of a site.
 */
export const staffOriginSchema = tenantOriginSchema.regex(
  /^https?:\/\/[^/?#@\s]+\/?$/i,
  'an origin is scheme://host[:port] with no path, query or user, such as https://shop.example',
);

/** POST /v1/staff/settings/origins */
export const staffOriginRequestSchema = z.strictObject({ origin: staffOriginSchema });
export type StaffOriginRequest = z.output<typeof staffOriginRequestSchema>;

/** DELETE /v1/staff/settings/origins?origin= */
export const staffOriginQuerySchema = z.object({ origin: z.string({ error: 'origin is missing: DELETE …/origins?origin=https://shop.example' }) });

/** POST /v1/staff/settings/secret-key/rotate: how long the older keys keep working (0: at once, for a leaked key). */
export const staffRotateSecretKeyRequestSchema = z.strictObject({
  graceSeconds: z
    .number({ error: 'graceSeconds must be a number of seconds' })
    .int('graceSeconds must be a whole number of seconds')
    .min(0, 'graceSeconds is at least 0')
    .max(SETTINGS_LIMITS.maxGraceSeconds, `graceSeconds is at most ${SETTINGS_LIMITS.maxGraceSeconds} (a week)`),
});
export type StaffRotateSecretKeyRequest = z.output<typeof staffRotateSecretKeyRequestSchema>;

/** The new secret key, shown this once (only its hash is stored), and when the older keys stop. */
export const staffRotateSecretKeyResponseSchema = z.object({
  secretKey: z.string(),
  oldKeysExpireAt: z.iso.datetime(),
});
export type StaffRotateSecretKeyResponse = z.infer<typeof staffRotateSecretKeyResponseSchema>;

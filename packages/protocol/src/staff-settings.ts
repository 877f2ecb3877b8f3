import { z } from 'zod';
import { customerSettingsSchema } from './customers.js';
import { SETTINGS_LIMITS } from './settings-wire.js';
import { imageHostListSchema, tenantOriginSchema, voiceInputSchema } from './tenant.js';

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
  /** Whether POST /v1/identity refuses identities the host did not sign (the identity secret itself is never sent here). */
  identity: z.object({ requireSignedIdentity: z.boolean() }),
  /** Conversations quiet for longer than this many days are deleted; null: kept. */
  retention: z.object({ conversationRetentionDays: z.number().int().nullable() }),
  /** Publishable keys replaced by a rotation that still work, until expiresAt. */
  previousPublishableKeys: z.array(z.object({ publishableKey: z.string(), expiresAt: z.iso.datetime() })),
  /** Whether the owner made a channel secret for the channels API (never the secret itself). */
  channels: z.object({ hasSecret: z.boolean() }),
  /** Answers show Markdown images from these hosts only; any other image stays a link. */
  imageHosts: z.array(z.string()),
  /** The widget's microphone, and whether this server can transcribe ('server' needs it). */
  voice: z.object({ voiceInput: voiceInputSchema, transcription: z.boolean() }),
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

/** PUT /v1/staff/settings/identity */
export const staffIdentitySettingsRequestSchema = z.strictObject({
  requireSignedIdentity: z.boolean({ error: 'requireSignedIdentity must be true or false' }),
});
export type StaffIdentitySettingsRequest = z.output<typeof staffIdentitySettingsRequestSchema>;

/** PUT /v1/staff/settings/image-hosts: the whole list (empty: no images in answers). */
export const staffImageHostsRequestSchema = z.strictObject({
  imageHosts: imageHostListSchema,
});
export type StaffImageHostsRequest = z.output<typeof staffImageHostsRequestSchema>;

/** POST /v1/staff/settings/identity-secret/rotate: the new identity secret, shown this once in the console. */
export const staffRotateIdentitySecretResponseSchema = z.object({ identitySecret: z.string() });
export type StaffRotateIdentitySecretResponse = z.infer<typeof staffRotateIdentitySecretResponseSchema>;

/** PUT /v1/staff/settings/retention: null keeps conversations; a number deletes those quiet for longer. */
export const staffRetentionRequestSchema = z.strictObject({
  conversationRetentionDays: z
    .number({ error: 'conversationRetentionDays must be a number of days, or null to keep conversations' })
    .int('conversationRetentionDays must be a whole number of days')
    .min(SETTINGS_LIMITS.minRetentionDays, `conversationRetentionDays is at least ${SETTINGS_LIMITS.minRetentionDays}`)
    .max(SETTINGS_LIMITS.maxRetentionDays, `conversationRetentionDays is at most ${SETTINGS_LIMITS.maxRetentionDays} (ten years); send null to keep conversations`)
    .nullable(),
});
export type StaffRetentionRequest = z.output<typeof staffRetentionRequestSchema>;

/** PUT /v1/staff/settings/voice: the widget's microphone. Answers the settings. */
export const staffVoiceRequestSchema = z.strictObject({ voiceInput: voiceInputSchema });
export type StaffVoiceRequest = z.output<typeof staffVoiceRequestSchema>;

/** POST /v1/staff/settings/publishable-key/rotate: how long the old key keeps opening the widget (0: at once). Answers the settings. */
export const staffRotatePublishableKeyRequestSchema = staffRotateSecretKeyRequestSchema;
export type StaffRotatePublishableKeyRequest = StaffRotateSecretKeyRequest;

import { z } from 'zod';

/**
 * SMS through Twilio: the tenant's number and credentials (admin API), and the webhook Twilio calls.
 * The auth token is write-only: it is accepted here and never returned, only its last characters.
 */

export const SMS_ROUTES = {
  /** The tenant's Twilio settings (secret key). */
  settings: '/v1/admin/sms/settings',
  /** Where Twilio posts incoming messages (signed with the tenant's auth token). */
  inbound: '/v1/channels/twilio/:tenantId/sms',
} as const;

export const smsInboundPath = (tenantId: string): string => SMS_ROUTES.inbound.replace(':tenantId', encodeURIComponent(tenantId));

export const SMS_LIMITS = {
  /** Twilio refuses a message body longer than this; a longer answer is sent in several. */
  maxMessageChars: 1600,
  maxHelpTextChars: 320,
} as const;

export const e164Schema = z.e164({ error: 'must be a phone number in E.164 form, e.g. +14155550123' });

export const twilioAccountSidSchema = z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID: AC followed by 32 hex digits');
export const twilioAuthTokenSchema = z.string().regex(/^[0-9a-f]{32}$/, "must be the account's auth token: 32 hex digits");

/** PUT: the auth token may be left out to keep the stored one (it must be given the first time). */
export const smsSettingsRequestSchema = z.strictObject({
  accountSid: twilioAccountSidSchema,
  authToken: twilioAuthTokenSchema.optional(),
  phoneNumber: e164Schema,
  /** True when Twilio's own opt-out handling is off on the number: Prex then answers STOP, START and HELP. */
  keywordReplies: z.boolean().default(false),
  /** The reply to HELP when keywordReplies is on; a default naming the tenant otherwise. */
  helpText: z.string().trim().min(1).max(SMS_LIMITS.maxHelpTextChars).nullable().default(null),
});
export type SmsSettingsRequest = z.input<typeof smsSettingsRequestSchema>;

export const smsSettingsResponseSchema = z.object({
  accountSid: z.string(),
  /** The last four characters, the rest masked: enough to tell tokens apart. */
  authTokenHint: z.string(),
  phoneNumber: z.string(),
  keywordReplies: z.boolean(),
  helpText: z.string().nullable(),
  /** The path to give Twilio as the number's "A message comes in" webhook (POST), after the public origin. */
  webhookPath: z.string(),
  updatedAt: z.string(),
});
export type SmsSettingsResponse = z.infer<typeof smsSettingsResponseSchema>;

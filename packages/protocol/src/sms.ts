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
  /** Where Twilio posts the delivery status of each message Prex sent (StatusCallback, signed likewise). */
  status: '/v1/channels/twilio/:tenantId/status',
} as const;

export const smsInboundPath = (tenantId: string): string => SMS_ROUTES.inbound.replace(':tenantId', encodeURIComponent(tenantId));

export const smsStatusPath = (tenantId: string): string => SMS_ROUTES.status.replace(':tenantId', encodeURIComponent(tenantId));

export const SMS_LIMITS = {
  /** Twilio refuses a message body longer than this; a longer answer is sent in several. */
  maxMessageChars: 1600,
  maxHelpTextChars: 320,
  /** Manager numbers told of each handoff: a few people on call, not a broadcast list. */
  maxManagerNumbers: 10,
  /** The customer's question quoted in a manager's notice is cut to this many characters. */
  managerNoticeQuestionChars: 200,
  /** A manager's name, as it signs their SMS replies in the conversation. */
  maxManagerNameChars: 60,
} as const;

export const e164Schema = z.e164({ error: 'must be a phone number in E.164 form, e.g. +14155550123' });

export const twilioAccountSidSchema = z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID: AC followed by 32 hex digits');
/** The account's auth token, or a reference to a variable of the Prex server holding it (kept out of the database). */
export const twilioAuthTokenSchema = z
  .string()
  .regex(/^([0-9a-f]{32}|env:PREX_TWILIO_TOKEN_[A-Z0-9_]{1,64})$/, "must be the account's auth token (32 hex digits) or env:PREX_TWILIO_TOKEN_<NAME>, a variable of the Prex server");

/** PUT: the auth token may be left out to keep the stored one (it must be given the first time). */
export const smsSettingsRequestSchema = z.strictObject({
  accountSid: twilioAccountSidSchema,
  authToken: twilioAuthTokenSchema.optional(),
  phoneNumber: e164Schema,
  /** True when Twilio's own opt-out handling is off on the number: Prex then answers STOP, START and HELP. */
  keywordReplies: z.boolean().default(false),
  /** The reply to HELP when keywordReplies is on; a default naming the tenant otherwise. */
  helpText: z.string().trim().min(1).max(SMS_LIMITS.maxHelpTextChars).nullable().default(null),
  /**
   * Who gets an SMS when a conversation is handed to a person, and may answer the customer by
   * replying to it. Left out: the stored numbers are kept. A manager's number can be neither the
   * tenant's SMS number nor a number that texts the tenant as a customer.
   */
  managerNumbers: z
    .array(e164Schema)
    .max(SMS_LIMITS.maxManagerNumbers, `at most ${SMS_LIMITS.maxManagerNumbers} manager numbers`)
    .refine((numbers) => new Set(numbers).size === numbers.length, 'lists a number twice')
    .optional(),
  /**
   * A manager's name by number ({"+14155550123": "Dana"}): their SMS replies are signed with it in
   * the conversation ("Manager" for a number without one). Sent with managerNumbers, whose numbers
   * its keys must be; left out: the stored names of the numbers that stay are kept.
   */
  managerNames: z
    .record(e164Schema, z.string().trim().min(1, 'a name is empty').max(SMS_LIMITS.maxManagerNameChars, `a name is at most ${SMS_LIMITS.maxManagerNameChars} characters`))
    .optional(),
}).superRefine((input, ctx) => {
  if (!input.managerNames) return;
  for (const phone of Object.keys(input.managerNames)) {
    if (!input.managerNumbers?.includes(phone)) {
      ctx.addIssue({ code: 'custom', path: ['managerNames', phone], message: 'is not one of managerNumbers (send both together)' });
    }
  }
});
export type SmsSettingsRequest = z.input<typeof smsSettingsRequestSchema>;

export const smsSettingsResponseSchema = z.object({
  accountSid: z.string(),
  /** The last four characters, the rest masked: enough to tell tokens apart. */
  authTokenHint: z.string(),
  phoneNumber: z.string(),
  keywordReplies: z.boolean(),
  helpText: z.string().nullable(),
  /** The managers' numbers (never customers'): told of each handoff by SMS. */
  managerNumbers: z.array(z.string()),
  /** Managers' names by number; a number without one signs its replies "Manager". */
  managerNames: z.record(z.string(), z.string()),
  /** The path to give Twilio as the number's "A message comes in" webhook (POST), after the public origin. */
  webhookPath: z.string(),
  updatedAt: z.string(),
});
export type SmsSettingsResponse = z.infer<typeof smsSettingsResponseSchema>;

/** The console's view (GET/PUT/DELETE /v1/staff/settings/sms): the settings (null until set) and the full webhook URL to paste into Twilio. */
export const staffSmsSettingsResponseSchema = z.object({
  sms: smsSettingsResponseSchema.nullable(),
  webhookUrl: z.string(),
});
export type StaffSmsSettingsResponse = z.infer<typeof staffSmsSettingsResponseSchema>;

/** Twilio's message statuses (MessageStatus of a status callback), in the order a message moves through them. */
export const SMS_DELIVERY_STATUSES = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'receiving', 'received', 'delivered', 'undelivered', 'failed', 'read', 'canceled'] as const;
export type SmsDeliveryStatus = (typeof SMS_DELIVERY_STATUSES)[number];

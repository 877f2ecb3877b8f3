import { z } from 'zod';

/**
 * Customers: the identity ladder (anonymous → signed by the host site → verified by an email code),
 * the customer's profile, their conversations on any device, and their data rights.
 * Dates are ISO 8601 strings.
 */

export const CUSTOMER_ADMIN_ROUTES = {
  customers: '/v1/admin/customers',
  customer: '/v1/admin/customers/:customerId',
  customerExport: '/v1/admin/customers/:customerId/export',
  settings: '/v1/admin/customer-settings',
  rotateIdentitySecret: '/v1/admin/identity-secret/rotate',
  authEvents: '/v1/admin/auth-events',
} as const;

export const EMAIL_CODE = {
  digits: 6,
  ttlSeconds: 600,
  maxAttempts: 5,
} as const;

/** Up the ladder: anonymous → host (signed by the host site) → phone (SMS code) → email (email code). */
export const identityLevelSchema = z.enum(['anonymous', 'host', 'phone', 'email']);
export type IdentityLevelName = z.infer<typeof identityLevelSchema>;

/** Trimmed and lower-cased before it is checked, so one mailbox is one customer. */
export const customerEmailSchema = z
  .string({ error: 'email must be a string' })
  .trim()
  .toLowerCase()
  .max(254, 'email is longer than 254 characters')
  .pipe(z.email({ error: 'email is not a valid email address' }));

const userIdSchema = z
  .string({ error: 'userId must be a string' })
  .min(1, 'userId is empty')
  .max(200, 'userId is longer than 200 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'userId contains control characters');

const nameSchema = z.string({ error: 'name must be a string' }).trim().min(1, 'name is empty').max(200, 'name is longer than 200 characters');

/** What the host page may tell Prex about its user besides the id, email and name (plan, company…). */
export const CUSTOMER_ATTRIBUTES = { maxKeys: 20, keyPattern: /^[a-z][a-z0-9_]{0,39}$/, maxValueChars: 200 } as const;

/**
 * Keys refused even where the pattern allows them: `constructor` and `prototype` would shadow an
 * object's own machinery in any code that reads attributes into a plain object (and `__proto__`,
 * which the pattern already refuses, would replace its prototype: a JSON body can carry it).
 */
export const RESERVED_ATTRIBUTE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** A stored attribute: a short string, a finite number or a boolean. */
export type CustomerAttributeValue = string | number | boolean;
export const customerAttributesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Why one attribute is refused, or null when it is fine (null itself means "remove this key"). */
function attributeProblem(key: string, value: unknown): string | null {
  if (RESERVED_ATTRIBUTE_KEYS.includes(key)) return `a reserved name (${RESERVED_ATTRIBUTE_KEYS.join(', ')}): pick another key`;
  if (!CUSTOMER_ATTRIBUTES.keyPattern.test(key)) return 'a key is a lower-case letter then up to 39 lower-case letters, digits or _';
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'a number must be finite';
  if (typeof value !== 'string') return 'a value is a string, a number, a boolean or null (null removes the key)';
  if (value.length > CUSTOMER_ATTRIBUTES.maxValueChars) return `a string is at most ${CUSTOMER_ATTRIBUTES.maxValueChars} characters`;
  return /[\u0000-\u001f\u007f]/.test(value) ? 'a string must not contain control characters' : null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Attributes sent with an identity (in the body, or in a JWT's `attributes` claim): set or replace
 * each key; null removes it. Each problem names its key. The keys are checked on the raw input,
 * before zod copies it into a record: the copy drops an own `__proto__` key silently, and a
 * forged key must be refused, not lost.
 */
export const customerAttributesUpdateSchema = z.preprocess(
  (raw, ctx) => {
    if (!isPlainObject(raw)) return raw;
    const keys = Object.keys(raw);
    if (keys.length > CUSTOMER_ATTRIBUTES.maxKeys) ctx.addIssue({ code: 'custom', message: `at most ${CUSTOMER_ATTRIBUTES.maxKeys} attributes (got ${keys.length})`, input: raw });
    for (const key of keys) {
      const problem = attributeProblem(key, raw[key]);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: `attribute "${key}": ${problem}`, input: raw });
    }
    return raw;
  },
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), { error: 'attributes must be an object of keys to values' }),
);
export type CustomerAttributesUpdate = Record<string, CustomerAttributeValue | null>;

/** POST /v1/identity: the host site's user, signed with the tenant's identity secret. */
export const identityRequestSchema = z
  .strictObject({
    userId: userIdSchema,
    /** Hex HMAC-SHA256 of userId keyed with the identity secret. */
    signature: z.string({ error: 'signature must be a string' }).regex(/^[0-9a-fA-F]{64}$/, 'signature must be 64 hex characters (HMAC-SHA256)').optional(),
    /**
     * An HS256 JWT signed with the identity secret: sub = userId, exp required (≤ 24 h ahead); its
     * optional `attributes` claim holds verified attributes. 16384 characters leave room for 20
     * attributes of 200 characters, even in scripts that take 3 bytes a character.
     */
    token: z.string({ error: 'token must be a string' }).max(16384, 'token is longer than 16384 characters').optional(),
    email: customerEmailSchema.optional(),
    name: nameSchema.optional(),
    /**
     * Not covered by any signature: kept as unverified on the customer once the identity is
     * accepted, merged with what is stored; refused where the tenant requires signed identities.
     * Verified attributes travel inside the token (its `attributes` claim).
     */
    attributes: customerAttributesUpdateSchema.optional(),
  })
  .refine((v) => !(v.signature && v.token), { message: 'send either signature or token, not both', path: ['token'] });
export type IdentityRequest = z.output<typeof identityRequestSchema>;

export const emailCodePurposeSchema = z.enum(['verify', 'export', 'delete'], { error: 'purpose must be "verify", "export" or "delete"' });
export type EmailCodePurpose = z.infer<typeof emailCodePurposeSchema>;

/** POST /v1/identity/email/start */
export const emailCodeStartRequestSchema = z.strictObject({
  email: customerEmailSchema,
  purpose: emailCodePurposeSchema.default('verify'),
});
export type EmailCodeStartRequest = z.output<typeof emailCodeStartRequestSchema>;

/** The same whether or not the email belongs to a customer. */
export const emailCodeStartResponseSchema = z.object({
  sent: z.literal(true),
  expiresInSeconds: z.number().int(),
});
export type EmailCodeStartResponse = z.infer<typeof emailCodeStartResponseSchema>;

export const emailCodeSchema = z
  .string({ error: 'code must be a string' })
  .trim()
  .regex(/^[0-9]{6}$/, 'code must be the 6 digits from the email');

/** POST /v1/identity/email/verify */
export const emailCodeVerifyRequestSchema = z.strictObject({
  email: customerEmailSchema,
  code: emailCodeSchema,
});
export type EmailCodeVerifyRequest = z.output<typeof emailCodeVerifyRequestSchema>;

const preferenceValue = z.union([z.string().max(500, 'a preference is longer than 500 characters'), z.number(), z.boolean(), z.null()]);

export const customerPreferencesSchema = z
  .record(z.string().min(1).max(64, 'a preference name is longer than 64 characters'), preferenceValue)
  .refine((v) => Object.keys(v).length <= 50, 'at most 50 preferences');

export const customerInterestsSchema = z
  .array(z.string().trim().min(1, 'an interest is empty').max(100, 'an interest is longer than 100 characters'))
  .max(50, 'at most 50 interests');

/** The customer as they see themselves. */
export const customerSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  /** True when Prex verified the email with a code (a host-asserted email is not). */
  emailVerified: z.boolean(),
  /** E.164, set once the customer proved the phone with an SMS code (absent from older servers). */
  phone: z.string().nullable().optional(),
  /** Set when the host site signed this customer's identity. */
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  preferences: z.record(z.string(), preferenceValue),
  interests: z.array(z.string()),
  /** What the host site said about its user with identify (plan, company…); absent from older servers. */
  attributes: customerAttributesSchema.optional(),
  /** The keys of `attributes` that came from a signed token (its `attributes` claim); the others are unverified. */
  verifiedAttributes: z.array(z.string()).optional(),
  createdAt: z.iso.datetime(),
});
export type Customer = z.infer<typeof customerSchema>;

/** The customer as the tenant sees them: with the tenant's notes. */
export const adminCustomerSchema = customerSchema.extend({
  notes: z.string(),
  /** What the host page said about its user with identify (plan, company…). */
  attributes: customerAttributesSchema,
  /** The keys of `attributes` that came from a signed token; the others are unverified (the browser could have changed them). */
  verifiedAttributes: z.array(z.string()),
  sessionCount: z.number().int(),
});
export type AdminCustomer = z.infer<typeof adminCustomerSchema>;

/** One of the customer's conversations, with a fresh session token so any device can open it. */
export const customerConversationSchema = z.object({
  sessionId: z.string(),
  token: z.string(),
  title: z.string().nullable(),
  messageCount: z.number().int(),
  lastActivityAt: z.iso.datetime(),
});
export type CustomerConversation = z.infer<typeof customerConversationSchema>;

export const identityResponseSchema = z.object({
  level: z.literal('host'),
  customer: customerSchema,
});
export type IdentityResponse = z.infer<typeof identityResponseSchema>;

export const emailCodeVerifyResponseSchema = z.object({
  level: z.literal('email'),
  customer: customerSchema,
  conversations: z.array(customerConversationSchema),
});
export type EmailCodeVerifyResponse = z.infer<typeof emailCodeVerifyResponseSchema>;

/** GET /v1/customers/me */
export const customerMeResponseSchema = z.object({
  level: identityLevelSchema,
  customer: customerSchema.nullable(),
  /** The site can verify a phone by SMS code (it has an SMS number): the account panel offers it. */
  phoneVerification: z.boolean().optional(),
});
export type CustomerMeResponse = z.infer<typeof customerMeResponseSchema>;

/** PATCH /v1/customers/me: only the fields sent change. */
export const customerPatchRequestSchema = z
  .strictObject({
    name: nameSchema.nullable().optional(),
    preferences: customerPreferencesSchema.optional(),
    interests: customerInterestsSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one of name, preferences, interests');
export type CustomerPatchRequest = z.output<typeof customerPatchRequestSchema>;

/** PATCH /v1/admin/customers/:customerId: the tenant's notes and corrections; only the fields sent change. */
export const adminCustomerPatchRequestSchema = z
  .strictObject({
    name: nameSchema.nullable().optional(),
    notes: z.string({ error: 'notes must be a string' }).max(5000, 'notes are longer than 5000 characters').optional(),
    preferences: customerPreferencesSchema.optional(),
    interests: customerInterestsSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one of name, notes, preferences, interests');
export type AdminCustomerPatchRequest = z.output<typeof adminCustomerPatchRequestSchema>;

export const customerConversationsResponseSchema = z.object({
  conversations: z.array(customerConversationSchema),
});
export type CustomerConversationsResponse = z.infer<typeof customerConversationsResponseSchema>;

/** POST /v1/customers/me/export and /delete: a fresh code of that purpose. */
export const dataRightsRequestSchema = z.strictObject({ code: emailCodeSchema });
export type DataRightsRequest = z.output<typeof dataRightsRequestSchema>;

export const customerDeleteResponseSchema = z.object({ deleted: z.literal(true) });
export type CustomerDeleteResponse = z.infer<typeof customerDeleteResponseSchema>;

export const exportedMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  author: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime(),
});

/**
 * A file the customer attached, in their data export: its name, sniffed type and size, and the path
 * that serves its bytes (GET with the session token of any of the customer's conversations).
 */
export const exportedAttachmentSchema = z.object({
  id: z.string(),
  /** The message that carries it (a message of its own, without text). */
  messageId: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  path: z.string(),
});

/** Everything Prex holds about one customer (data portability). */
export const customerExportSchema = z.object({
  exportedAt: z.iso.datetime(),
  customer: adminCustomerSchema.omit({ sessionCount: true }),
  conversations: z.array(
    z.object({
      sessionId: z.string(),
      identityLevel: identityLevelSchema,
      createdAt: z.iso.datetime(),
      lastSeenAt: z.iso.datetime(),
      messages: z.array(exportedMessageSchema),
      attachments: z.array(exportedAttachmentSchema),
      escalations: z.array(z.object({ id: z.string(), status: z.string(), reason: z.string(), createdAt: z.iso.datetime() })),
    }),
  ),
  emailEvents: z.array(z.object({ kind: z.string(), recipient: z.string(), status: z.string(), createdAt: z.iso.datetime() })),
});
export type CustomerExport = z.infer<typeof customerExportSchema>;

/** The tenant's customer settings. */
export const customerSettingsSchema = z.strictObject({
  /** Refuse unsigned identities at POST /v1/identity. */
  requireSignedIdentity: z.boolean({ error: 'requireSignedIdentity must be true or false' }),
  summaryEmails: z.strictObject({
    /** Email a verified customer their conversation summary after a quiet period. */
    toCustomer: z.boolean({ error: 'summaryEmails.toCustomer must be true or false' }),
    /** Where the tenant receives a copy of summaries; null for none. */
    tenantAddress: customerEmailSchema.nullable(),
  }),
  /**
   * Where the tenant's staff are told that a conversation was handed to a person; null for nobody.
   * Optional in a PUT for clients that predate it: omitted keeps the stored value (or the default).
   */
  handoffEmails: z
    .strictObject({
      to: customerEmailSchema.nullable(),
    })
    .default({ to: null }),
});
export type CustomerSettings = z.output<typeof customerSettingsSchema>;

/**
 * A customer who verified their email in the widget gets the summary of a conversation that went
 * quiet (PREX_SUMMARY_INACTIVITY_MINUTES; 0 turns the scheduler off for every tenant).
 */
export const defaultCustomerSettings: CustomerSettings = {
  requireSignedIdentity: false,
  summaryEmails: { toCustomer: true, tenantAddress: null },
  handoffEmails: { to: null },
};

/** GET /v1/admin/customer-settings and POST …/identity-secret/rotate */
export const customerSettingsResponseSchema = z.object({
  settings: customerSettingsSchema,
  /** Sign host identities with it on the tenant's server; never put it in a web page. */
  identitySecret: z.string(),
});
export type CustomerSettingsResponse = z.infer<typeof customerSettingsResponseSchema>;

/** GET /v1/admin/auth-events?since= : refusals counted by kind. */
export const authEventCountsResponseSchema = z.object({
  since: z.iso.datetime(),
  counts: z.record(z.string(), z.number().int()),
});
export type AuthEventCountsResponse = z.infer<typeof authEventCountsResponseSchema>;

/** Error codes of the customer routes (a subset of the common ErrorCode set). */
export const customerErrorCodeSchema = z.enum(['signature_required', 'invalid_signature', 'invalid_code', 'verification_required']);
export type CustomerErrorCode = z.infer<typeof customerErrorCodeSchema>;

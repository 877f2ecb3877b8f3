import { z } from 'zod';

/** Kinds of email Prex sends (email_events.kind). */
export const emailKindSchema = z.enum(['otp', 'summary', 'auto_summary', 'export', 'handoff', 'staff_invite', 'staff_password_reset']);
export type EmailKindName = z.infer<typeof emailKindSchema>;

export const emailStatusSchema = z.enum(['sent', 'outbox', 'failed']);

/** "Email me this conversation": at most this many per session per hour. */
export const CONVERSATION_EMAILS_PER_HOUR = 3;

/**
 * POST /v1/conversations/current/email: no options yet; the mail goes to the session's verified
 * address. Errors: 403 `verification_required` (customerErrorCodeSchema) without one, 409 when the
 * conversation is empty, 429 past CONVERSATION_EMAILS_PER_HOUR, 502 when the relay fails.
 */
export const emailConversationRequestSchema = z.strictObject({});
export type EmailConversationRequest = z.output<typeof emailConversationRequestSchema>;

export const emailConversationResponseSchema = z.object({
  sent: z.literal(true),
  /** The recipient, masked: "j***@example.com". */
  to: z.string(),
});
export type EmailConversationResponse = z.infer<typeof emailConversationResponseSchema>;

export const EMAIL_EVENTS_ROUTE = '/v1/admin/email-events';
export const EMAIL_EVENTS_MAX_LIMIT = 500;

/** GET /v1/admin/email-events?sessionId=&customerId=&kind=&limit= */
export const emailEventsQuerySchema = z.strictObject({
  sessionId: z.string().trim().min(1, 'sessionId is empty').max(200, 'sessionId is too long').optional(),
  customerId: z.string().trim().min(1, 'customerId is empty').max(200, 'customerId is too long').optional(),
  kind: emailKindSchema.optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(EMAIL_EVENTS_MAX_LIMIT, `limit must be at most ${EMAIL_EVENTS_MAX_LIMIT}`)
    .default(100),
});
export type EmailEventsQuery = z.output<typeof emailEventsQuerySchema>;

export const emailEventSchema = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  customerId: z.string().nullable(),
  kind: emailKindSchema,
  recipient: z.string(),
  status: emailStatusSchema,
  /** The relay's message id, or the outbox file name. */
  providerId: z.string().nullable(),
  /** Why a failed send failed (the relay's answer). */
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type EmailEventWire = z.infer<typeof emailEventSchema>;

export const emailEventsResponseSchema = z.object({ events: z.array(emailEventSchema) });
export type EmailEventsResponse = z.infer<typeof emailEventsResponseSchema>;

import { z } from 'zod';
import { agentRefSchema, messageTextSchema } from './chat.js';
import { customerEmailSchema } from './customers.js';

/**
 * The channels API: a tenant's own gateway (another SMS or WhatsApp gateway, an IVR) talks to Prex
 * for its users. Each request carries `Authorization: Bearer <JWT>`, an HS256 token the gateway's
 * server signs with the tenant's channel secret (see CHANNEL_API_TOKEN). docs/channels-api.md.
 */

export { CHANNEL_API_ROUTES, CHANNEL_API_TOKEN } from './channel-api-wire.js';

export const CHANNEL_API_LIMITS = {
  /** Largest JSON body, in bytes: a message and its key fit many times over. */
  maxBodyBytes: 16 * 1024,
  /** Requests per tenant per minute, across every gateway and address of the tenant. */
  requestsPerTenantPerMinute: 600,
  maxConversationKeyChars: 128,
  /** Staff replies returned by one call; page with `after`. */
  maxRepliesPerCall: 50,
} as const;

/**
 * The gateway's id for the user: their phone number (E.164) or its own user id. Letters, digits and
 * `+ - _ . : @`, so a key is never confused with anything else when shown or logged.
 */
export const conversationKeySchema = z
  .string({ error: 'conversationKey must be a string' })
  .trim()
  .min(1, 'conversationKey is empty')
  .max(CHANNEL_API_LIMITS.maxConversationKeyChars, `conversationKey is longer than ${CHANNEL_API_LIMITS.maxConversationKeyChars} characters`)
  .regex(/^[A-Za-z0-9+_.:@-]+$/, 'conversationKey may hold only letters, digits and + - _ . : @ (a phone number or the gateway’s user id)');

export const channelMessageRequestSchema = z.strictObject({
  conversationKey: conversationKeySchema,
  text: messageTextSchema,
  /** An agent of the tenant by name; the tenant's default when left out. */
  agent: agentRefSchema.optional(),
});
export type ChannelMessageRequest = z.input<typeof channelMessageRequestSchema>;

export const channelCitationSchema = z.object({ title: z.string(), url: z.string().nullable() });

export const channelMessageResponseSchema = z.object({
  /** The conversation in Prex (the staff inbox shows it under this id, channel 'api'). */
  conversationId: z.string(),
  /** The user's message as stored. */
  messageId: z.string(),
  /**
   * True when a person has the conversation. With `answer` null the message went to staff and the
   * bot stayed silent; with an answer, this message itself handed the conversation over.
   */
  handedOver: z.boolean(),
  /** The bot's answer; null when the message went to staff. [n] markers point into the citations. */
  answer: z
    .object({
      messageId: z.string(),
      /** As the agent wrote it (Markdown). */
      text: z.string(),
      /** The same without Markdown, for SMS and voice. */
      plainText: z.string(),
      citations: z.array(channelCitationSchema),
    })
    .nullable(),
});
export type ChannelMessageResponse = z.infer<typeof channelMessageResponseSchema>;

const gatewayUserIdSchema = z
  .string({ error: 'userId must be a string' })
  .trim()
  .min(1, 'userId is empty')
  .max(200, 'userId is longer than 200 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'userId contains control characters');

/**
 * The gateway has verified who the user is on its side (a login, a code it sent): the conversation
 * is linked to the tenant's customer `userId`, with the email it vouches for, like the widget's
 * signed identity. Prex records the email as the tenant's word, not as verified by Prex.
 */
export const channelValidateRequestSchema = z.strictObject({
  conversationKey: conversationKeySchema,
  userId: gatewayUserIdSchema,
  email: customerEmailSchema.optional(),
  name: z.string().trim().min(1, 'name is empty').max(200, 'name is longer than 200 characters').optional(),
});
export type ChannelValidateRequest = z.input<typeof channelValidateRequestSchema>;

export const channelValidateResponseSchema = z.object({
  conversationId: z.string(),
  customer: z.object({ id: z.string(), userId: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
});
export type ChannelValidateResponse = z.infer<typeof channelValidateResponseSchema>;

export const channelEscalateRequestSchema = z.strictObject({
  conversationKey: conversationKeySchema,
  reason: z.string().trim().min(1, 'reason is empty').max(500, 'reason is longer than 500 characters').optional(),
});
export type ChannelEscalateRequest = z.input<typeof channelEscalateRequestSchema>;

export const channelEscalateResponseSchema = z.object({
  conversationId: z.string(),
  escalationId: z.string(),
  /** False when the conversation was already with a person (the same escalation is returned). */
  created: z.boolean(),
});
export type ChannelEscalateResponse = z.infer<typeof channelEscalateResponseSchema>;

const messageIdSchema = z.string().regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'after must be a message id (msg_…) from an earlier response');

/**
 * Staff write in the console; the gateway collects their replies to deliver them (a POST, so the
 * user's phone number stays out of URLs and access logs). `after`: the last message id it has.
 */
export const channelRepliesRequestSchema = z.strictObject({
  conversationKey: conversationKeySchema,
  after: messageIdSchema.optional(),
});
export type ChannelRepliesRequest = z.input<typeof channelRepliesRequestSchema>;

export const channelRepliesResponseSchema = z.object({
  conversationId: z.string(),
  /** True while a person has the conversation. */
  handedOver: z.boolean(),
  /** Oldest first, at most CHANNEL_API_LIMITS.maxRepliesPerCall; more when the last one's id is sent as `after`. */
  replies: z.array(
    z.object({
      messageId: z.string(),
      text: z.string(),
      plainText: z.string(),
      /** The staff member's name, when the team gave one. */
      authorName: z.string().nullable(),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export type ChannelRepliesResponse = z.infer<typeof channelRepliesResponseSchema>;

export const channelSecretResponseSchema = z.object({
  /** Shown this once: Prex never returns it again. Rotating replaces it at once. */
  channelSecret: z.string(),
  /** The values the gateway's tokens must carry. */
  issuer: z.string(),
  audience: z.string(),
});
export type ChannelSecretResponse = z.infer<typeof channelSecretResponseSchema>;

import { z } from 'zod';
import { messageAuthorSchema } from './feedback.js';
import { LIMITS } from './wire.js';

export const messageTextSchema = z
  .string({ error: 'text must be a string' })
  .trim()
  .min(1, 'text is empty')
  .max(LIMITS.maxMessageChars, `text is longer than ${LIMITS.maxMessageChars} characters`);

export const citationSchema = z.object({
  sourceId: z.string(),
  documentId: z.string(),
  /** The tenant's own id of the document (e.g. its slug); absent in citations stored before it was sent. */
  externalId: z.string().optional(),
  title: z.string(),
  url: z.string().optional(),
  /** Heading path inside the document, e.g. "Billing › Refunds". */
  section: z.string().optional(),
  snippet: z.string(),
});
export type Citation = z.infer<typeof citationSchema>;

export const messageRoleSchema = z.enum(['user', 'assistant']);
export const messageStatusSchema = z.enum(['streaming', 'complete', 'stopped', 'error']);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const chatMessageSchema = z.object({
  id: z.string(),
  role: messageRoleSchema,
  text: z.string(),
  status: messageStatusSchema,
  sources: z.array(citationSchema),
  createdAt: z.iso.datetime(),
  /** Assistant messages: the bot, or a human agent after a handoff. */
  author: messageAuthorSchema.optional(),
  /** A staff reply: the staff member's name, when the team gave one. */
  authorName: z.string().optional(),
  /** The visitor's rating of an answer, when given. */
  feedback: z.object({ rating: z.enum(['up', 'down']), comment: z.string().nullable() }).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** POST /v1/sessions */
export const createSessionResponseSchema = z.object({
  sessionId: z.string(),
  /** Signed bearer token; the widget keeps it (no cookie needed). */
  token: z.string(),
  expiresAt: z.iso.datetime(),
});
export type CreateSessionResponse = z.infer<typeof createSessionResponseSchema>;

/** GET /v1/sessions/current/messages */
export const historyResponseSchema = z.object({
  sessionId: z.string(),
  messages: z.array(chatMessageSchema),
  /**
   * The id of the conversation's last event (GET /v1/conversations/current/events) when the history
   * was read: a stream opened after it carries everything the history does not.
   */
  eventCursor: z.number().int().nonnegative().optional(),
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;

/**
 * Which agent answers (its name, e.g. 'sales'); absent = the tenant's default agent. Only shape is
 * checked here: an unknown name is a 404 from the server, naming it.
 */
export const agentRefSchema = z
  .string({ error: 'agent must be a string (an agent name)' })
  .trim()
  .min(1, 'agent is empty')
  .max(100, 'agent is longer than 100 characters');

/** Prex's own request body. */
export const prexSendSchema = z.strictObject({
  text: messageTextSchema,
  agent: agentRefSchema.optional(),
});

/**
 * The body the Vercel AI SDK's DefaultChatTransport sends (`useChat` pointed at Prex):
 * the whole conversation; Prex keeps history server-side and takes the last user message.
 */
export const aiSdkSendSchema = z
  .object({
    id: z.string().optional(),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'user', 'assistant']),
          parts: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
        }),
      )
      .min(1, 'messages is empty'),
    /** Extra body fields of useChat (`body: { agent }`). */
    agent: agentRefSchema.optional(),
  })
  .transform((body, ctx) => {
    const last = body.messages.at(-1);
    const text = last?.role === 'user' ? last.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('') : '';
    const parsed = messageTextSchema.safeParse(text);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: `last user message: ${parsed.error.issues[0]?.message}` });
      return z.NEVER;
    }
    return body.agent === undefined ? { text: parsed.data } : { text: parsed.data, agent: body.agent };
  });

/**
 * POST /v1/chat: either body shape, normalised to `{ text, agent? }`. A body with `messages` is the
 * AI SDK's; it is checked against the shape it claims, so an error names the real problem
 * ("agent: agent must be a string") instead of a union's "Invalid input".
 */
export const sendMessageRequestSchema = z.unknown().transform((body, ctx): { text: string; agent?: string } => {
  const claimsAiSdk = typeof body === 'object' && body !== null && 'messages' in body;
  const parsed = (claimsAiSdk ? aiSdkSendSchema : prexSendSchema).safeParse(body);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});
export type SendMessageRequest = z.output<typeof sendMessageRequestSchema>;

/** POST /v1/chat/:messageId/stop */
export const stopResponseSchema = z.object({
  messageId: z.string(),
  status: messageStatusSchema,
});
export type StopResponse = z.infer<typeof stopResponseSchema>;

/** GET /v1/chat/:messageId/stream?after=N (or the Last-Event-ID header) */
export const resumeQuerySchema = z.object({
  after: z.coerce.number().int().min(0).optional(),
});

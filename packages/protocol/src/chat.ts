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
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;

/** Prex's own request body. */
const prexSendSchema = z.strictObject({
  text: messageTextSchema,
});

/**
 * The body the Vercel AI SDK's DefaultChatTransport sends (`useChat` pointed at Prex):
 * the whole conversation; Prex keeps history server-side and takes the last user message.
 */
const aiSdkSendSchema = z
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
  })
  .transform((body, ctx) => {
    const last = body.messages.at(-1);
    const text = last?.role === 'user' ? last.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('') : '';
    const parsed = messageTextSchema.safeParse(text);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: `last user message: ${parsed.error.issues[0]?.message}` });
      return z.NEVER;
    }
    return { text: parsed.data };
  });

/** POST /v1/chat: either body shape, normalised to `{ text }`. */
export const sendMessageRequestSchema = z.union([prexSendSchema, aiSdkSendSchema]);
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

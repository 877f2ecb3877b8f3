import { z } from 'zod';
import { attachmentPartSchema } from './attachments.js';
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
  /** Files the visitor attached (absent when none). */
  attachments: z.array(attachmentPartSchema).optional(),
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

/** Bounds of the AI SDK's request (here, not in wire.ts: the widget never sends these). */
export const SDK_LIMITS = {
  maxChatIdChars: 100,
  maxPartsPerMessage: 100,
} as const;

/** Prex's message ids have this form; a chat id never does, so one URL can resume either. */
export const PREX_MESSAGE_ID_PREFIX = 'msg_';
export const isPrexMessageId = (id: string): boolean => id.startsWith(PREX_MESSAGE_ID_PREFIX);

/**
 * useChat's `id` (the AI SDK generates 16 alphanumerics; a UUID fits too). It names one conversation
 * of the calling session token; it must not look like a Prex message id, which the same resume URL takes.
 */
export const chatIdSchema = z
  .string({ error: 'id must be a string (the chat id)' })
  .min(1, 'id is empty')
  .max(SDK_LIMITS.maxChatIdChars, `id is longer than ${SDK_LIMITS.maxChatIdChars} characters`)
  .regex(/^[A-Za-z0-9_-]+$/, 'id may contain only letters, digits, "_" and "-"')
  .refine((id) => !isPrexMessageId(id), `id must not start with "${PREX_MESSAGE_ID_PREFIX}" (the form of Prex message ids)`);

const aiSdkPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * The body the Vercel AI SDK's DefaultChatTransport sends (`useChat` pointed at Prex):
 * the whole conversation; Prex keeps history server-side and takes the last user message.
 */
export const aiSdkSendSchema = z
  .object({
    /** The chat: its own conversation per session token. Absent: the token's own conversation. */
    id: chatIdSchema.optional(),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'user', 'assistant']),
          parts: z.array(aiSdkPartSchema).max(SDK_LIMITS.maxPartsPerMessage, `a message has more than ${SDK_LIMITS.maxPartsPerMessage} parts`),
        }),
      )
      .min(1, 'messages is empty'),
    /** 'regenerate-message': answer the last question again, replacing its answer. */
    trigger: z.enum(['submit-message', 'regenerate-message'], { error: 'trigger must be "submit-message" or "regenerate-message"' }).optional(),
    /** regenerate(): the message to regenerate from, when the app named one. */
    messageId: z.string({ error: 'messageId must be a string' }).max(200, 'messageId is longer than 200 characters').optional(),
    /** Extra body fields of useChat (`body: { agent }`). */
    agent: agentRefSchema.optional(),
  })
  .superRefine((body, ctx) => {
    body.messages.forEach((message, i) =>
      message.parts.forEach((part, j) => {
        if (part.type === 'file') {
          ctx.addIssue({ code: 'custom', path: ['messages', i, 'parts', j], message: 'files are not supported yet: send text parts only' });
        }
      }),
    );
  })
  .transform((body, ctx): SendMessageRequest => {
    const last = body.messages.at(-1);
    const text = last?.role === 'user' ? last.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('') : '';
    const parsed = messageTextSchema.safeParse(text);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: `last user message: ${parsed.error.issues[0]?.message}` });
      return z.NEVER;
    }
    const regenerate = body.trigger === 'regenerate-message';
    return {
      text: parsed.data,
      ...(body.agent === undefined ? {} : { agent: body.agent }),
      ...(body.id === undefined ? {} : { chatId: body.id }),
      ...(regenerate ? { regenerate: body.messageId === undefined ? {} : { messageId: body.messageId } } : {}),
    };
  });

/** POST /v1/chat normalised: the question, and from the AI SDK the chat and whether it regenerates. */
export interface SendMessageRequest {
  text: string;
  agent?: string;
  /** useChat's chat id: the conversation of the token's session it belongs to. */
  chatId?: string;
  /** Present for regenerate(): the last answer is replaced, the question not stored again. */
  regenerate?: { messageId?: string };
}

/**
 * POST /v1/chat: either body shape, normalised to `{ text, agent?, chatId?, regenerate? }`. A body with `messages` is the
 * AI SDK's; it is checked against the shape it claims, so an error names the real problem
 * ("agent: agent must be a string") instead of a union's "Invalid input".
 */
export const sendMessageRequestSchema = z.unknown().transform((body, ctx): SendMessageRequest => {
  const claimsAiSdk = typeof body === 'object' && body !== null && 'messages' in body;
  const parsed = (claimsAiSdk ? aiSdkSendSchema : prexSendSchema).safeParse(body);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

/** GET /v1/sessions/current/messages?chatId=… : the history of one AI SDK chat of the session. */
export const historyQuerySchema = z.object({ chatId: chatIdSchema.optional() });

/** POST /v1/chat/:messageId/stop */
export const stopResponseSchema = z.object({
  messageId: z.string(),
  status: messageStatusSchema,
});
export type StopResponse = z.infer<typeof stopResponseSchema>;

/**
 * An SSE stream's resume cursor, `?after=N` or the Last-Event-ID header: the id of the last event
 * received, digits only (`1e3`, `-1` or an empty value are refused, not read as a number).
 */
export const eventCursorSchema = z
  .string({ error: 'must be a non-negative integer' })
  .trim()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .transform(Number);

/** GET /v1/chat/:messageId/stream?after=N (or the Last-Event-ID header) */
export const resumeQuerySchema = z.object({
  after: eventCursorSchema.optional(),
});

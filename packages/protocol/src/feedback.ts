import { z } from 'zod';

/** Who wrote an assistant message: Prex's bot, or a human agent after a handoff (optional hint). */
export const messageAuthorSchema = z.enum(['bot', 'human']);
export type MessageAuthor = z.infer<typeof messageAuthorSchema>;

export const FEEDBACK_COMMENT_MAX = 1000;

/** POST /v1/chat/:messageId/feedback: thumbs on one answer; sending again replaces it. */
export const feedbackRequestSchema = z.strictObject({
  rating: z.enum(['up', 'down'], { error: 'rating must be "up" or "down"' }),
  comment: z
    .string({ error: 'comment must be a string' })
    .trim()
    .max(FEEDBACK_COMMENT_MAX, `comment is longer than ${FEEDBACK_COMMENT_MAX} characters`)
    .optional(),
});
export type FeedbackRequest = z.output<typeof feedbackRequestSchema>;

export const feedbackResponseSchema = z.object({
  messageId: z.string(),
  rating: z.enum(['up', 'down']),
  comment: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type FeedbackResponse = z.infer<typeof feedbackResponseSchema>;

export const MAX_SUMMARY_TOKENS = 50;

/** POST /v1/conversations/summaries: the visitor presents the session tokens it kept. */
export const conversationSummariesRequestSchema = z.strictObject({
  tokens: z
    .array(z.string().max(512, 'token is too long'), { error: 'tokens must be an array of session tokens' })
    .max(MAX_SUMMARY_TOKENS, `at most ${MAX_SUMMARY_TOKENS} tokens`),
});
export type ConversationSummariesRequest = z.output<typeof conversationSummariesRequestSchema>;

export const conversationSummarySchema = z.object({
  /** Position of the token in the request. */
  index: z.number().int(),
  sessionId: z.string(),
  /** The first question asked (trimmed), or null before any. */
  title: z.string().nullable(),
  messageCount: z.number().int(),
  lastActivityAt: z.iso.datetime(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/**
 * Summaries for the tokens that are valid, unexpired, of this tenant and whose session exists,
 * most recent first; the others are simply absent (the widget forgets them).
 */
export const conversationSummariesResponseSchema = z.object({
  conversations: z.array(conversationSummarySchema),
});
export type ConversationSummariesResponse = z.infer<typeof conversationSummariesResponseSchema>;

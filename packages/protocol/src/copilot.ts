import { z } from 'zod';

/**
 * The console's copilot: a reply drafted by the tenant's agent for the staff member to edit and
 * send. The draft streams back in the answer stream's format (stream.ts: start, data-prex-meta,
 * text-start, text-delta…, text-end, source-* chunks for its citations, finish | error, then
 * [DONE]), so the reader of visitor answers reads it too. A draft is never stored as a message
 * and never reaches the visitor: staff send what they keep through the replies route.
 */
export const COPILOT_ROUTES = {
  /** POST {instruction?} → SSE (text/event-stream): a draft reply to the visitor's latest message(s). */
  draft: '/v1/staff/conversations/:sessionId/draft',
} as const;

export const COPILOT_LIMITS = {
  maxInstructionChars: 500,
} as const;

/**
 * POST /v1/staff/conversations/:sessionId/draft. The body is optional (no body = `{}`).
 * instruction: how to shape this draft ("shorter", "apologise for the delay"); the agent's persona
 * and instructions still apply. Only a model follows it: the extractive answerer (no model
 * configured) quotes the knowledge base as it is.
 */
export const copilotDraftRequestSchema = z.strictObject({
  instruction: z
    .string({ error: 'instruction must be a string' })
    .trim()
    .max(COPILOT_LIMITS.maxInstructionChars, `instruction is longer than ${COPILOT_LIMITS.maxInstructionChars} characters`)
    .optional(),
});
export type CopilotDraftRequest = z.output<typeof copilotDraftRequestSchema>;

/** The id prefix of a draft's `start` chunk (messageId): a draft is not a message, its id says so. */
export const DRAFT_ID_PREFIX = 'drf_';

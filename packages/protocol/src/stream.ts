import { z } from 'zod';
import { messageLabelSchema } from './classification.js';

/**
 * The answer stream: the Vercel AI SDK UI message stream protocol (v1), so any client of the
 * `ai` package can read a Prex answer. Each chunk is one SSE `data:` line with an `id:` (its
 * sequence number in the answer, from 1) so a client can resume after a drop; the stream ends
 * with `data: [DONE]`. Prex's own events are `data-prex-*` parts.
 */

const providerMetadataSchema = z.record(z.string(), z.record(z.string(), z.string()));

export const startChunkSchema = z.object({
  type: z.literal('start'),
  /** Id of the assistant message being streamed; the key for resume and stop. */
  messageId: z.string(),
});

export const textStartChunkSchema = z.object({ type: z.literal('text-start'), id: z.string() });
export const textDeltaChunkSchema = z.object({ type: z.literal('text-delta'), id: z.string(), delta: z.string() });
export const textEndChunkSchema = z.object({ type: z.literal('text-end'), id: z.string() });

export const sourceUrlChunkSchema = z.object({
  type: z.literal('source-url'),
  sourceId: z.string(),
  url: z.string(),
  title: z.string().optional(),
  providerMetadata: providerMetadataSchema.optional(),
});

export const sourceDocumentChunkSchema = z.object({
  type: z.literal('source-document'),
  sourceId: z.string(),
  mediaType: z.string(),
  title: z.string(),
  filename: z.string().optional(),
  providerMetadata: providerMetadataSchema.optional(),
});

export const answererSchema = z.enum(['llm', 'extractive']);
export type Answerer = z.infer<typeof answererSchema>;

/** Sent right after `start`: ties the answer to the session and the user's message. */
export const prexMetaChunkSchema = z.object({
  type: z.literal('data-prex-meta'),
  data: z.object({
    sessionId: z.string(),
    userMessageId: z.string(),
    answerer: answererSchema,
    /** False when the knowledge base had nothing relevant and the answer says so. */
    grounded: z.boolean(),
    /** Name of the agent answering (absent from servers before agents existed). */
    agent: z.string().optional(),
    /** How the user's message was classified. */
    label: messageLabelSchema.optional(),
  }),
});

/** The agent called a tool while writing this answer (details are visible to the tenant, not here). */
export const prexToolChunkSchema = z.object({
  type: z.literal('data-prex-tool'),
  data: z.object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['done', 'failed', 'needs-confirmation']),
  }),
});

/**
 * Human handoff, as the widget shows it:
 * - offered: the knowledge base had nothing; the widget offers a "talk to a human" button (POST /v1/handoff);
 * - proposed: the agent wants to hand over and asks first (POST /v1/handoff/:id/confirm);
 * - open: the conversation is with the team now; a human will reply here.
 */
export const handoffStatusSchema = z.enum(['offered', 'proposed', 'open']);
export const prexHandoffChunkSchema = z.object({
  type: z.literal('data-prex-handoff'),
  data: z.object({
    status: handoffStatusSchema,
    escalationId: z.string().optional(),
    reason: z.string().optional(),
  }),
});

/**
 * The conversation is with the support team: the visitor's message went to them, and no answer of
 * the bot follows (the stream is start, this, finish). Staff reply in the conversation.
 */
export const prexToStaffChunkSchema = z.object({
  type: z.literal('data-prex-to-staff'),
  data: z.object({
    userMessageId: z.string(),
    escalationId: z.string(),
  }),
});

export const finishReasonSchema = z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']);

export const finishChunkSchema = z.object({
  type: z.literal('finish'),
  finishReason: finishReasonSchema.optional(),
});

/** The user stopped the answer; what streamed so far is kept. */
export const abortChunkSchema = z.object({ type: z.literal('abort'), reason: z.string().optional() });

export const errorChunkSchema = z.object({ type: z.literal('error'), errorText: z.string() });

export const uiStreamChunkSchema = z.discriminatedUnion('type', [
  startChunkSchema,
  textStartChunkSchema,
  textDeltaChunkSchema,
  textEndChunkSchema,
  sourceUrlChunkSchema,
  sourceDocumentChunkSchema,
  prexMetaChunkSchema,
  prexToolChunkSchema,
  prexHandoffChunkSchema,
  prexToStaffChunkSchema,
  finishChunkSchema,
  abortChunkSchema,
  errorChunkSchema,
]);
export type UIStreamChunk = z.infer<typeof uiStreamChunkSchema>;
export type UIStreamChunkType = UIStreamChunk['type'];
export type SourceChunk = z.infer<typeof sourceUrlChunkSchema> | z.infer<typeof sourceDocumentChunkSchema>;

/** A chunk as it travels: its position in the answer's stream (the SSE id) and the chunk. */
export interface SequencedChunk {
  seq: number;
  chunk: UIStreamChunk;
}

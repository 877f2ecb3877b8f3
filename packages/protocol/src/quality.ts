import { z } from 'zod';
import { agentNameSchema } from './agents.js';

/**
 * Quality tools (secret key, `Authorization: Bearer sk_…`): staff mark answers as good examples,
 * and the tenant exports its good conversations as fine-tuning data (OpenAI chat format, JSONL,
 * personal data redacted).
 */

export const QUALITY_ROUTES = {
  fineTuningExport: '/v1/admin/exports/fine-tuning',
  markGood: '/v1/admin/messages/:messageId/good',
} as const;

export const markGoodPath = (messageId: string) => QUALITY_ROUTES.markGood.replace(':messageId', encodeURIComponent(messageId));

/** Message ids are `msg_` + base64url; anything else cannot name a message. */
export const answerMessageIdSchema = z
  .string()
  .regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'messageId must look like msg_… (letters, digits, "_" or "-")');

/** `PUT /v1/admin/messages/:messageId/good`: mark (or unmark) an answer as a good example. */
export const markGoodRequestSchema = z.strictObject({
  good: z.boolean({ error: 'good must be true or false' }),
});
export type MarkGoodRequest = z.infer<typeof markGoodRequestSchema>;

export const markGoodResponseSchema = z.object({
  messageId: z.string(),
  good: z.boolean(),
});
export type MarkGoodResponse = z.infer<typeof markGoodResponseSchema>;

/**
 * `GET /v1/admin/exports/fine-tuning?since=&agent=&minRating=up`.
 * - since: only good answers written at or after this time (ISO 8601 date or date-time);
 * - agent: only good answers written by this agent (its name);
 * - minRating: `up` (the default and only level: thumbs have two values, and answers rated down are
 *   never exported). Answers staff marked as good are exported whatever their rating.
 */
export const fineTuningExportQuerySchema = z.strictObject({
  since: z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'since must be an ISO 8601 date (2026-01-31) or date-time (2026-01-31T12:00:00Z)' }).optional(),
  agent: agentNameSchema.optional(),
  minRating: z.enum(['up'], { error: 'minRating must be "up": answers rated down are never exported' }).default('up'),
});
export type FineTuningExportQuery = z.output<typeof fineTuningExportQuerySchema>;

/** One message of a fine-tuning example, as OpenAI's chat fine-tuning format defines it. */
export const fineTuningMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  /** Assistant turns only: 1 = learn from this answer (a good one), 0 = context only. */
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type FineTuningMessage = z.infer<typeof fineTuningMessageSchema>;

/** One line of the export (application/x-ndjson): one conversation. */
export const fineTuningLineSchema = z.strictObject({
  messages: z
    .array(fineTuningMessageSchema)
    .min(2)
    .refine((m) => m[0]?.role === 'system', 'the first message is the system message')
    .refine((m) => m.every((x) => x.weight === undefined || x.role === 'assistant'), 'only assistant messages carry a weight')
    .refine((m) => m.at(-1)?.role === 'assistant' && m.at(-1)?.weight === 1, 'the example ends with an answer to learn (weight 1)'),
});
export type FineTuningLine = z.infer<typeof fineTuningLineSchema>;

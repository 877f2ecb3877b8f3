import { z } from 'zod';
import { isoDaySchema, labelCountsSchema } from './usage.js';
import { messageLabelSchema } from './classification.js';

/**
 * How support is going, for the console's Analytics page (staff session). Conversations are dated
 * by their first visitor message (UTC day) and sorted into exactly one outcome:
 * - handedOver: a person was brought in (an escalation that was opened, or opened and resolved);
 * - unanswered: not handed over, and at least one bot answer was a decline (not grounded in the
 *   knowledge base, so the visitor was offered a person);
 * - aiResolved: the rest — every bot answer was grounded (or a tool helped) and no person was needed.
 */

/** Query of `GET /v1/staff/analytics`; unknown parameters are refused so a typo is not silently ignored. */
export const analyticsQuerySchema = z.strictObject({
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
});
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

const count = z.number().int().nonnegative();

export const conversationOutcomesSchema = z.object({
  conversations: count,
  aiResolved: count,
  handedOver: count,
  unanswered: count,
});
export type ConversationOutcomes = z.infer<typeof conversationOutcomesSchema>;

export const analyticsDaySchema = conversationOutcomesSchema.extend({ day: isoDaySchema });
export type AnalyticsDay = z.infer<typeof analyticsDaySchema>;

/** Model calls and their cost on one UTC day (owners and admins only). */
export const analyticsUsageDaySchema = z.object({
  day: isoDaySchema,
  calls: count,
  promptTokens: count,
  completionTokens: count,
  costUsd: z.number(),
});
export type AnalyticsUsageDay = z.infer<typeof analyticsUsageDaySchema>;

/** Model calls and cost of one agent or one model over the range. */
export const analyticsUsageGroupSchema = analyticsUsageDaySchema.omit({ day: true }).extend({
  /** The agent's name (its id once deleted; '(no agent)' for calls outside any agent), or the model. */
  key: z.string(),
});
export type AnalyticsUsageGroup = z.infer<typeof analyticsUsageGroupSchema>;

export const analyticsResponseSchema = z.object({
  from: isoDaySchema,
  to: isoDaySchema,
  totals: conversationOutcomesSchema,
  /** Every day of the range, oldest first, zeros included. */
  days: z.array(analyticsDaySchema),
  /** Handed-over conversations of the range: how long the visitor waited for the first staff reply. */
  firstStaffReply: z.object({
    /** Median seconds from the handoff to the first staff message; null when none was answered. */
    medianSeconds: z.number().nullable(),
    replied: count,
    /** Handed over and not replied to yet. */
    waiting: count,
  }),
  /** Thumbs given on answers in the range (by when they were given). */
  ratings: z.object({
    up: count,
    down: count,
    recentComments: z.array(
      z.object({ messageId: z.string(), sessionId: z.string(), rating: z.enum(['up', 'down']), comment: z.string(), at: z.iso.datetime() }),
    ),
  }),
  /** The classifier's labels of visitor messages in the range. */
  labels: z.object({ labels: z.array(messageLabelSchema), totals: labelCountsSchema }),
  /** Questions the knowledge base could not answer, grouped by their normalised text, most asked first. */
  contentGaps: z.array(z.object({ question: z.string(), count: count, lastAskedAt: z.iso.datetime() })),
  /** Model calls and cost per day, agent and model: null for the agent role (spend is for owners and admins). */
  usage: z
    .object({
      currency: z.literal('USD'),
      totals: analyticsUsageDaySchema.omit({ day: true }).extend({ unpricedCalls: count }),
      days: z.array(analyticsUsageDaySchema),
      /** Most expensive first. */
      agents: z.array(analyticsUsageGroupSchema),
      models: z.array(analyticsUsageGroupSchema),
    })
    .nullable(),
});
export type AnalyticsResponse = z.infer<typeof analyticsResponseSchema>;

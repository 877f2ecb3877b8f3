import { z } from 'zod';
import { MESSAGE_LABELS, messageLabelSchema } from './classification.js';

/**
 * Usage, cost and label analytics (admin API, secret key). Days are calendar days in UTC, written
 * YYYY-MM-DD; `from` and `to` are both included. Costs are USD from the server's price table.
 */

export const USAGE_ROUTES = {
  usage: '/v1/admin/usage',
  labels: '/v1/admin/analytics/labels',
} as const;

export const USAGE_LIMITS = {
  /** Days reported when the request names neither `from` nor `to` (today and the 29 before it). */
  defaultRangeDays: 30,
  /** Longest range one request may ask for, in days. */
  maxRangeDays: 366,
} as const;

/** A calendar day (YYYY-MM-DD) that exists: 2026-02-30 is refused. */
export const isoDaySchema = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

/** `purpose`: what the calls were for (answer, classify, persona, summary, eval, draft, try-it: the Agents page's try-it chat). */
export const usageGroupBySchema = z.enum(['day', 'agent', 'model', 'purpose'], { error: 'groupBy must be one of day, agent, model, purpose' });
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;

/** Query of `GET /v1/admin/usage`; unknown parameters are refused so a typo is not silently ignored. */
export const usageQuerySchema = z.strictObject({
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
  groupBy: usageGroupBySchema.default('day'),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

/** Query of `GET /v1/admin/analytics/labels`. */
export const labelAnalyticsQuerySchema = z.strictObject({
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
});
export type LabelAnalyticsQuery = z.infer<typeof labelAnalyticsQuerySchema>;

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both included (1 for a single day). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
}

/** A resolved range: `to` on or after `from`, at most USAGE_LIMITS.maxRangeDays days. */
export const dayRangeSchema = z
  .object({ from: isoDaySchema, to: isoDaySchema })
  .refine((r) => r.to >= r.from, { path: ['to'], error: (i) => `to (${(i.input as { to: string }).to}) is before from (${(i.input as { from: string }).from})` })
  .refine((r) => daysInRange(r.from, r.to) <= USAGE_LIMITS.maxRangeDays, {
    path: ['to'],
    error: `the range is longer than ${USAGE_LIMITS.maxRangeDays} days`,
  });
export type DayRange = z.infer<typeof dayRangeSchema>;

/** Sums over a set of model calls. */
export const usageTotalsSchema = z.object({
  calls: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  /** Sum of the priced calls' costs; see unpricedCalls. */
  costUsd: z.number(),
  /** Calls whose model has no price (or reported no tokens): their cost is not in costUsd. */
  unpricedCalls: z.number().int(),
  /** Calls that failed or timed out. */
  errors: z.number().int(),
  /** Calls the user stopped. */
  aborted: z.number().int(),
  avgLatencyMs: z.number().nullable(),
  p50LatencyMs: z.number().nullable(),
  /** Time to first token, over the streamed calls that produced one. */
  avgTtftMs: z.number().nullable(),
  p50TtftMs: z.number().nullable(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const usageRowSchema = usageTotalsSchema.extend({
  /** The day (YYYY-MM-DD), the model, the purpose, or the agent's name (its id once deleted; "(no agent)" for calls without one). */
  key: z.string(),
  /** groupBy=agent only: the agent's id, null for calls made outside any agent (e.g. summaries). */
  agentId: z.string().nullable().optional(),
});
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageResponseSchema = z.object({
  from: isoDaySchema,
  to: isoDaySchema,
  groupBy: usageGroupBySchema,
  currency: z.literal('USD'),
  totals: usageTotalsSchema,
  /** groupBy=day: every day of the range, oldest first (zeros included); otherwise by cost, highest first. */
  rows: z.array(usageRowSchema),
});
export type UsageResponse = z.infer<typeof usageResponseSchema>;

/** A count for every label (zero included). */
export const labelCountsSchema = z.record(messageLabelSchema, z.number().int());
export type LabelCounts = z.infer<typeof labelCountsSchema>;

export const labelAnalyticsResponseSchema = z.object({
  from: isoDaySchema,
  to: isoDaySchema,
  labels: z.array(messageLabelSchema),
  /** Labelled user messages in the range, per label. */
  totals: labelCountsSchema,
  /** What decided the labels: the model or the rules. */
  bySource: z.object({ model: z.number().int(), rules: z.number().int() }),
  /** Every day of the range, oldest first. */
  days: z.array(z.object({ day: isoDaySchema, counts: labelCountsSchema })),
});
export type LabelAnalyticsResponse = z.infer<typeof labelAnalyticsResponseSchema>;

/** Zero for every label, in MESSAGE_LABELS order. */
export function emptyLabelCounts(): LabelCounts {
  return Object.fromEntries(MESSAGE_LABELS.map((label) => [label, 0])) as LabelCounts;
}

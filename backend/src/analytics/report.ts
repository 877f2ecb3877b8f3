import type { AnalyticsResponse, DayRange, UsageTotals } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { labelCounts } from '../classification/label-counts.js';
import { usageReport } from '../usage/report.js';
import { contentGaps, ratings } from '../conversations/ratings-and-gaps.js';
import { conversationOutcomes, firstStaffReply } from '../conversations/outcomes.js';
import { instantsOf } from '../usage/range.js';

/** The figures of one usage row the Analytics page shows. */
const figuresOf = (r: UsageTotals) => ({ calls: r.calls, promptTokens: r.promptTokens, completionTokens: r.completionTokens, costUsd: r.costUsd });

/** Model calls and cost per day, per agent and per model, from the admin usage report. */
async function usageFigures(db: Db, tenantId: string, range: DayRange): Promise<NonNullable<AnalyticsResponse['usage']>> {
  const [byDay, byAgent, byModel] = await Promise.all([
    usageReport(db, tenantId, range, 'day'),
    usageReport(db, tenantId, range, 'agent'),
    usageReport(db, tenantId, range, 'model'),
  ]);
  return {
    currency: 'USD',
    totals: { ...figuresOf(byDay.totals), unpricedCalls: byDay.totals.unpricedCalls },
    days: byDay.rows.map((r) => ({ day: r.key, ...figuresOf(r) })),
    agents: byAgent.rows.map((r) => ({ key: r.key, ...figuresOf(r) })),
    models: byModel.rows.map((r) => ({ key: r.key, ...figuresOf(r) })),
  };
}

/** Everything the Analytics page shows for one tenant and range; spend only when `withCost`. */
export async function analyticsReport(db: Db, tenantId: string, range: DayRange, withCost: boolean): Promise<AnalyticsResponse> {
  const instants = instantsOf(range);
  const [outcomes, reply, rated, gaps, labels, usage] = await Promise.all([
    conversationOutcomes(db, tenantId, instants),
    firstStaffReply(db, tenantId, instants),
    ratings(db, tenantId, instants),
    contentGaps(db, tenantId, instants),
    labelCounts(db, tenantId, range),
    withCost ? usageFigures(db, tenantId, range) : null,
  ]);
  return {
    from: range.from,
    to: range.to,
    ...outcomes,
    firstStaffReply: reply,
    ratings: rated,
    labels: { labels: labels.labels, totals: labels.totals },
    contentGaps: gaps,
    usage,
  };
}

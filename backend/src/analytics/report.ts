import type { AnalyticsResponse, DayRange } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { labelCounts } from '../classification/label-counts.js';
import { usageReport } from '../usage/report.js';
import { contentGaps, ratings } from '../conversations/ratings-and-gaps.js';
import { conversationOutcomes, firstStaffReply } from '../conversations/outcomes.js';
import { instantsOf } from '../usage/range.js';

/** Model calls and cost per day, from the admin usage report. */
async function usageByDay(db: Db, tenantId: string, range: DayRange): Promise<NonNullable<AnalyticsResponse['usage']>> {
  const report = await usageReport(db, tenantId, range, 'day');
  const { calls, promptTokens, completionTokens, costUsd, unpricedCalls } = report.totals;
  return {
    currency: 'USD',
    totals: { calls, promptTokens, completionTokens, costUsd, unpricedCalls },
    days: report.rows.map((r) => ({ day: r.key, calls: r.calls, promptTokens: r.promptTokens, completionTokens: r.completionTokens, costUsd: r.costUsd })),
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
    withCost ? usageByDay(db, tenantId, range) : null,
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

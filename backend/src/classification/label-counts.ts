import { emptyLabelCounts, MESSAGE_LABELS, messageLabelSchema, type DayRange, type LabelAnalyticsResponse, type LabelCounts } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { instantsOf } from '../usage/range.js';
import { labelCountRows } from '../conversations/read-models.js';

function everyDay(range: DayRange): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(range.from); ms <= Date.parse(range.to); ms += 86_400_000) days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

/** Adds n to a label's count; a label outside the protocol's list (an old row) is not counted. */
function add(counts: LabelCounts, label: string, n: number): void {
  const known = messageLabelSchema.safeParse(label);
  if (known.success) counts[known.data] += n;
}

/** How the tenant's user messages in the range were labelled: totals, by source and per UTC day. */
export async function labelCounts(db: Db, tenantId: string, range: DayRange): Promise<LabelAnalyticsResponse> {
  const { start, end } = instantsOf(range);
  const rows = await labelCountRows(db, tenantId, start, end);
  const totals = emptyLabelCounts();
  const bySource = { model: 0, rules: 0 };
  const perDay = new Map(everyDay(range).map((day) => [day, emptyLabelCounts()]));
  for (const row of rows) {
    add(totals, row.label, row.n);
    if (row.label_source === 'model' || row.label_source === 'rules') bySource[row.label_source] += row.n;
    const day = perDay.get(row.day);
    if (day) add(day, row.label, row.n);
  }
  return {
    from: range.from,
    to: range.to,
    labels: [...MESSAGE_LABELS],
    totals,
    bySource,
    days: [...perDay].map(([day, counts]) => ({ day, counts })),
  };
}

import type { DayRange, UsageGroupBy, UsageResponse, UsageRow, UsageTotals } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { instantsOf } from './range.js';

/** Key shown for calls made outside any agent (summaries, persona drafts before an agent exists). */
export const NO_AGENT_KEY = '(no agent)';

/** Aggregates over the filtered llm_calls rows `c`, shared by every grouping. */
const AGGREGATES = `
  count(c.id)::int as calls,
  coalesce(sum(c.prompt_tokens), 0)::bigint as prompt_tokens,
  coalesce(sum(c.completion_tokens), 0)::bigint as completion_tokens,
  coalesce(sum(c.cost_usd), 0)::text as cost_usd,
  (count(c.id) filter (where c.cost_usd is null))::int as unpriced_calls,
  (count(c.id) filter (where c.outcome in ('error', 'timeout')))::int as errors,
  (count(c.id) filter (where c.outcome = 'aborted'))::int as aborted,
  avg(c.latency_ms)::float8 as avg_latency_ms,
  percentile_cont(0.5) within group (order by c.latency_ms)::float8 as p50_latency_ms,
  avg(c.ttft_ms)::float8 as avg_ttft_ms,
  percentile_cont(0.5) within group (order by c.ttft_ms)::float8 as p50_ttft_ms`;

interface AggregateRow {
  calls: number;
  prompt_tokens: number | string;
  completion_tokens: number | string;
  cost_usd: string;
  unpriced_calls: number;
  errors: number;
  aborted: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  avg_ttft_ms: number | null;
  p50_ttft_ms: number | null;
}

interface KeyedRow extends AggregateRow {
  key: string;
  agent_id?: string | null;
}

const roundedMs = (value: number | null) => (value === null ? null : Math.round(value));

function totalsOf(row: AggregateRow): UsageTotals {
  return {
    calls: row.calls,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    costUsd: Number(row.cost_usd),
    unpricedCalls: row.unpriced_calls,
    errors: row.errors,
    aborted: row.aborted,
    avgLatencyMs: roundedMs(row.avg_latency_ms),
    p50LatencyMs: roundedMs(row.p50_latency_ms),
    avgTtftMs: roundedMs(row.avg_ttft_ms),
    p50TtftMs: roundedMs(row.p50_ttft_ms),
  };
}

/** Calls of the tenant in [$2, $3). */
const IN_RANGE = `c.tenant_id = $1 and c.created_at >= $2::timestamptz and c.created_at < $3::timestamptz`;

/** One SQL statement per grouping; every one is scoped to the tenant in $1. */
const GROUPED_SQL: Record<UsageGroupBy, string> = {
  // Every day of the range, zeros included, so a chart needs no gap filling.
  day: `
    select to_char(d.day, 'YYYY-MM-DD') as key, ${AGGREGATES}
    from generate_series($2::timestamptz at time zone 'UTC', ($3::timestamptz at time zone 'UTC') - interval '1 day', interval '1 day') as d(day)
    left join llm_calls c on ${IN_RANGE}
      and c.created_at >= d.day at time zone 'UTC' and c.created_at < (d.day + interval '1 day') at time zone 'UTC'
    group by d.day
    order by d.day`,
  model: `
    select c.model as key, ${AGGREGATES}
    from llm_calls c
    where ${IN_RANGE}
    group by c.model
    order by sum(c.cost_usd) desc nulls last, count(*) desc, c.model`,
  purpose: `
    select c.purpose as key, ${AGGREGATES}
    from llm_calls c
    where ${IN_RANGE}
    group by c.purpose
    order by sum(c.cost_usd) desc nulls last, count(*) desc, c.purpose`,
  // An agent's name when it still exists; its id once deleted (the calls stay).
  agent: `
    select coalesce(a.name, c.agent_id, '${NO_AGENT_KEY}') as key, c.agent_id, ${AGGREGATES}
    from llm_calls c
    left join agents a on a.id = c.agent_id and a.tenant_id = c.tenant_id
    where ${IN_RANGE}
    group by c.agent_id, a.name
    order by sum(c.cost_usd) desc nulls last, count(*) desc, key`,
};

function toRow(groupBy: UsageGroupBy, row: KeyedRow): UsageRow {
  return { key: row.key, ...(groupBy === 'agent' ? { agentId: row.agent_id ?? null } : {}), ...totalsOf(row) };
}

/** Calls, tokens, cost, errors and timings of one tenant over a range of days, grouped. */
export async function usageReport(db: Db, tenantId: string, range: DayRange, groupBy: UsageGroupBy): Promise<UsageResponse> {
  const { start, end } = instantsOf(range);
  const params = [tenantId, start, end];
  const [totals, rows] = await Promise.all([
    db.query<AggregateRow>(`select ${AGGREGATES} from llm_calls c where ${IN_RANGE}`, params),
    db.query<KeyedRow>(GROUPED_SQL[groupBy], params),
  ]);
  return {
    from: range.from,
    to: range.to,
    groupBy,
    currency: 'USD',
    totals: totalsOf(totals[0]!),
    rows: rows.map((row) => toRow(groupBy, row)),
  };
}

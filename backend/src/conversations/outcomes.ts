import type { AnalyticsDay, AnalyticsResponse, ConversationOutcomes } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { CONVERSATIONS_IN_RANGE, DECLINED_ANSWER, HANDED_OVER_ESCALATION, type RangeInstants } from './analytics-sql.js';

interface DayRow {
  day: string;
  conversations: number;
  handed_over: number;
  unanswered: number;
  ai_resolved: number;
}

/** One outcome per conversation: handed over wins, then a decline, else the bot resolved it. */
const OUTCOMES_SQL = `
  with conversations as (${CONVERSATIONS_IN_RANGE}),
  outcomes as (
    select c.session_id, c.started_at,
      exists (select 1 from escalations e where e.tenant_id = $1 and e.session_id = c.session_id and ${HANDED_OVER_ESCALATION}) as handed_over,
      exists (select 1 from messages a where a.tenant_id = $1 and a.session_id = c.session_id and ${DECLINED_ANSWER}) as declined
    from conversations c
  )
  select to_char(d.day, 'YYYY-MM-DD') as day,
    count(o.session_id)::int as conversations,
    (count(*) filter (where o.handed_over))::int as handed_over,
    (count(*) filter (where not o.handed_over and o.declined))::int as unanswered,
    (count(*) filter (where not o.handed_over and not o.declined))::int as ai_resolved
  from generate_series($2::timestamptz at time zone 'UTC', ($3::timestamptz at time zone 'UTC') - interval '1 day', interval '1 day') as d(day)
  left join outcomes o on o.started_at >= d.day at time zone 'UTC' and o.started_at < (d.day + interval '1 day') at time zone 'UTC'
  group by d.day
  order by d.day`;

/** Conversations per UTC day of the range (zeros included) by outcome, and their totals. */
export async function conversationOutcomes(db: Db, tenantId: string, instants: RangeInstants): Promise<{ days: AnalyticsDay[]; totals: ConversationOutcomes }> {
  const { start, end } = instants;
  const rows = await db.query<DayRow>(OUTCOMES_SQL, [tenantId, start, end]);
  const days = rows.map((r) => ({ day: r.day, conversations: r.conversations, aiResolved: r.ai_resolved, handedOver: r.handed_over, unanswered: r.unanswered }));
  const totals = { conversations: 0, aiResolved: 0, handedOver: 0, unanswered: 0 };
  for (const d of days) {
    totals.conversations += d.conversations;
    totals.aiResolved += d.aiResolved;
    totals.handedOver += d.handedOver;
    totals.unanswered += d.unanswered;
  }
  return { days, totals };
}

/**
 * For the handed-over conversations of the range: the median time from the first handoff to the
 * first staff message after it, and how many are still waiting for one.
 */
export async function firstStaffReply(db: Db, tenantId: string, instants: RangeInstants): Promise<AnalyticsResponse['firstStaffReply']> {
  const { start, end } = instants;
  const rows = await db.query<{ median: number | null; replied: number; waiting: number }>(
    `with conversations as (${CONVERSATIONS_IN_RANGE}),
     handoffs as (
       select e.session_id, min(e.created_at) as handed_at
       from escalations e join conversations c on c.session_id = e.session_id
       where e.tenant_id = $1 and ${HANDED_OVER_ESCALATION}
       group by e.session_id
     ),
     replies as (
       select h.handed_at,
         (select min(m.created_at) from messages m
           where m.tenant_id = $1 and m.session_id = h.session_id and m.author = 'human' and m.created_at >= h.handed_at) as replied_at
       from handoffs h
     )
     select percentile_cont(0.5) within group (order by extract(epoch from replied_at - handed_at))::float8 as median,
       count(replied_at)::int as replied,
       (count(*) - count(replied_at))::int as waiting
     from replies`,
    [tenantId, start, end],
  );
  const row = rows[0]!;
  return { medianSeconds: row.median === null ? null : Math.round(row.median), replied: row.replied, waiting: row.waiting };
}

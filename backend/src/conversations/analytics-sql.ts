/** A range of days as instants: [start, end), ISO strings (usage/range.ts instantsOf makes them). */
export interface RangeInstants {
  start: string;
  end: string;
}

/**
 * The tenant's conversations dated in the range: those whose first visitor message falls in
 * [$2, $3), with its time. A CTE body shared by the analytics queries; $1 is the tenant.
 */
export const CONVERSATIONS_IN_RANGE = `
  select m.session_id, min(m.created_at) as started_at
  from messages m
  where m.tenant_id = $1 and m.role = 'user' and m.created_at < $3::timestamptz
  group by m.session_id
  having min(m.created_at) >= $2::timestamptz`;

/** An escalation that brought a person in (a proposal the visitor declined, or still pending, did not). */
export const HANDED_OVER_ESCALATION = `e.status in ('open', 'resolved')`;

/**
 * A bot answer that declined: not grounded, so the stream offered the visitor a person
 * (run-answer.ts emits data-prex-handoff 'offered' exactly then; the chunks are stored in `events`).
 */
export const DECLINED_ANSWER = `a.role = 'assistant' and a.author = 'bot'
  and a.events @> '[{"type": "data-prex-handoff", "data": {"status": "offered"}}]'::jsonb`;

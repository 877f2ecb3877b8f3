import { ANALYTICS_LIMITS, type AnalyticsResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { DECLINED_ANSWER, type RangeInstants } from './analytics-sql.js';

const clip = (text: string) => (text.length > ANALYTICS_LIMITS.maxTextChars ? `${text.slice(0, ANALYTICS_LIMITS.maxTextChars - 1)}…` : text);

/** Thumbs given in the range (counted by when they were last given) and the newest comments. */
export async function ratings(db: Db, tenantId: string, instants: RangeInstants): Promise<AnalyticsResponse['ratings']> {
  const { start, end } = instants;
  const params = [tenantId, start, end];
  const inRange = `tenant_id = $1 and role = 'assistant' and feedback_rating is not null
    and feedback_at >= $2::timestamptz and feedback_at < $3::timestamptz`;
  const [counts, comments] = await Promise.all([
    db.query<{ up: number; down: number }>(
      `select (count(*) filter (where feedback_rating = 'up'))::int as up, (count(*) filter (where feedback_rating = 'down'))::int as down
       from messages where ${inRange}`,
      params,
    ),
    db.query<{ id: string; session_id: string; feedback_rating: 'up' | 'down'; feedback_comment: string; feedback_at: Date }>(
      `select id, session_id, feedback_rating, feedback_comment, feedback_at from messages
       where ${inRange} and btrim(coalesce(feedback_comment, '')) <> ''
       order by feedback_at desc, position desc limit ${ANALYTICS_LIMITS.recentComments}`,
      params,
    ),
  ]);
  return {
    up: counts[0]!.up,
    down: counts[0]!.down,
    recentComments: comments.map((c) => ({
      messageId: c.id,
      sessionId: c.session_id,
      rating: c.feedback_rating,
      comment: clip(c.feedback_comment.trim()),
      at: c.feedback_at.toISOString(),
    })),
  };
}

/**
 * The questions behind the range's declined answers, grouped by normalised text (case, spacing
 * and trailing punctuation ignored), most asked first; the newest wording is shown.
 */
export async function contentGaps(db: Db, tenantId: string, instants: RangeInstants): Promise<AnalyticsResponse['contentGaps']> {
  const { start, end } = instants;
  const rows = await db.query<{ question: string; n: number; last_at: Date }>(
    `with declined as (
       select a.created_at, q.text
       from messages a
       cross join lateral (
         select u.text from messages u
         where u.tenant_id = a.tenant_id and u.session_id = a.session_id and u.role = 'user' and u.position < a.position
         order by u.position desc limit 1
       ) q
       where a.tenant_id = $1 and ${DECLINED_ANSWER}
         and a.created_at >= $2::timestamptz and a.created_at < $3::timestamptz
     )
     select (array_agg(btrim(text) order by created_at desc))[1] as question, count(*)::int as n, max(created_at) as last_at
     from declined
     group by regexp_replace(lower(btrim(regexp_replace(text, '\\s+', ' ', 'g'))), '[[:space:][:punct:]]+$', '')
     order by n desc, last_at desc
     limit ${ANALYTICS_LIMITS.contentGaps}`,
    [tenantId, start, end],
  );
  return rows.map((r) => ({ question: clip(r.question), count: r.n, lastAskedAt: r.last_at.toISOString() }));
}

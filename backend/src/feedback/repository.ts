import type { Db } from '../db/db.js';

export interface SavedFeedback {
  messageId: string;
  rating: 'up' | 'down';
  comment: string | null;
  updatedAt: string;
}

/** Stores feedback on an assistant message of this tenant's session (replacing any earlier one). */
export async function saveFeedback(
  db: Db,
  f: { tenantId: string; sessionId: string; messageId: string; rating: 'up' | 'down'; comment: string | null },
): Promise<SavedFeedback | 'missing' | 'streaming'> {
  const rows = await db.query<{ id: string; feedback_rating: 'up' | 'down'; feedback_comment: string | null; feedback_at: Date }>(
    `update messages set feedback_rating = $4, feedback_comment = $5, feedback_at = clock_timestamp()
     where id = $1 and tenant_id = $2 and session_id = $3 and role = 'assistant' and status <> 'streaming'
     returning id, feedback_rating, feedback_comment, feedback_at`,
    [f.messageId, f.tenantId, f.sessionId, f.rating, f.comment],
  );
  const row = rows[0];
  if (row) return { messageId: row.id, rating: row.feedback_rating, comment: row.feedback_comment, updatedAt: row.feedback_at.toISOString() };
  const exists = await db.query<{ status: string }>(
    `select status from messages where id = $1 and tenant_id = $2 and session_id = $3 and role = 'assistant'`,
    [f.messageId, f.tenantId, f.sessionId],
  );
  return exists[0] ? 'streaming' : 'missing';
}

const TITLE_CHARS = 120;

/** One summary per existing session of the tenant among `sessionIds`, most recent activity first. */
export async function listConversationSummaries(db: Db, tenantId: string, sessionIds: string[]) {
  const rows = await db.query<{ id: string; title: string | null; message_count: number; last_at: Date }>(
    `select s.id,
            (select m.text from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id and m.role = 'user'
              order by m.created_at, m.position limit 1) as title,
            (select count(*)::int from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id) as message_count,
            coalesce((select max(m.created_at) from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id), s.created_at) as last_at
       from sessions s
      where s.tenant_id = $1 and s.id in (select jsonb_array_elements_text($2::jsonb))
      order by last_at desc`,
    [tenantId, JSON.stringify(sessionIds)],
  );
  return rows.map((r) => ({
    sessionId: r.id,
    title: r.title === null ? null : r.title.trim().slice(0, TITLE_CHARS),
    messageCount: r.message_count,
    lastActivityAt: r.last_at.toISOString(),
  }));
}

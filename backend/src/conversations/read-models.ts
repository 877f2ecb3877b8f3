import type { Db } from '../db/db.js';

/** Reads of conversations shaped for the features that show them. Every query is scoped by tenant. */

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

import type { Db } from '../db/db.js';

/**
 * Reads for the fine-tuning export. Every query is scoped by tenant. "Good" is one SQL predicate
 * shared by the two queries below, so the sessions picked and the answers weighted agree.
 */

export interface ExportFilter {
  tenantId: string;
  /** Only good answers written at or after this time. */
  since: Date | null;
  /** Only good answers written by this agent (its id). */
  agentId: string | null;
}

/** An answer counts when it finished normally and a visitor rated it up or staff marked it. */
const GOOD_ANSWER = `(m.role = 'assistant' and m.status = 'complete'
  and (m.feedback_rating = 'up' or m.marked_good)
  and ($2::timestamptz is null or m.created_at >= $2)
  and ($3::text is null or m.agent_id = $3))`;

const filterParams = (f: ExportFilter) => [f.tenantId, f.since, f.agentId];

/** Sessions (ids ascending, after `afterSessionId`) holding at least one good answer: one export page. */
export async function sessionsWithGoodAnswers(db: Db, filter: ExportFilter, afterSessionId: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ session_id: string }>(
    `select distinct m.session_id from messages m
      where m.tenant_id = $1 and ${GOOD_ANSWER} and m.session_id > $4
      order by m.session_id
      limit $5`,
    [...filterParams(filter), afterSessionId, limit],
  );
  return rows.map((r) => r.session_id);
}

export interface ExportMessage {
  sessionId: string;
  role: 'user' | 'assistant';
  text: string;
  status: 'streaming' | 'complete' | 'stopped' | 'error';
  agentId: string | null;
  good: boolean;
}

/** The messages of these sessions, each session's in conversation order. */
export async function messagesOfSessions(db: Db, filter: ExportFilter, sessionIds: readonly string[]): Promise<ExportMessage[]> {
  const rows = await db.query<{ session_id: string; role: 'user' | 'assistant'; text: string; status: ExportMessage['status']; agent_id: string | null; good: boolean }>(
    `select m.session_id, m.role, m.text, m.status, m.agent_id, ${GOOD_ANSWER} as good
       from messages m
      where m.tenant_id = $1 and m.session_id in (select jsonb_array_elements_text($4::jsonb))
      order by m.session_id, m.created_at, m.position`,
    [...filterParams(filter), JSON.stringify(sessionIds)],
  );
  return rows.map((r) => ({ sessionId: r.session_id, role: r.role, text: r.text, status: r.status, agentId: r.agent_id, good: r.good }));
}

/** The customer linked to each of these sessions (name and email), for redaction by name. */
export async function customersOfSessions(db: Db, tenantId: string, sessionIds: readonly string[]): Promise<Map<string, { name: string | null; email: string | null }>> {
  const rows = await db.query<{ session_id: string; name: string | null; email: string | null }>(
    `select s.id as session_id, c.name, c.email
       from sessions s join customers c on c.id = s.customer_id and c.tenant_id = s.tenant_id
      where s.tenant_id = $1 and s.id in (select jsonb_array_elements_text($2::jsonb))`,
    [tenantId, JSON.stringify(sessionIds)],
  );
  return new Map(rows.map((r) => [r.session_id, { name: r.name, email: r.email }]));
}

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

/** A finished message as a transcript shows it. */
export interface FinishedMessage {
  role: 'user' | 'assistant';
  author: 'bot' | 'human';
  text: string;
  /** As stored: the citations' shape is checked by whoever renders them. */
  sources: Array<{ title?: unknown; url?: unknown }> | null;
  createdAt: Date;
}

/** The session's finished messages in order; answers still streaming or left empty are not part of it. */
export async function finishedMessagesOf(db: Db, tenantId: string, sessionId: string): Promise<FinishedMessage[]> {
  const rows = await db.query<Omit<FinishedMessage, 'createdAt'> & { created_at: Date }>(
    `select role, author, text, sources, created_at from messages
     where tenant_id = $1 and session_id = $2 and status <> 'streaming' and text <> ''
     order by created_at, position`,
    [tenantId, sessionId],
  );
  return rows.map((r) => ({ role: r.role, author: r.author, text: r.text, sources: r.sources, createdAt: r.created_at }));
}

/** The name of the agent that last spoke or was spoken to in the conversation, if it still exists. */
export async function conversationAgentName(db: Db, tenantId: string, sessionId: string): Promise<string | undefined> {
  const rows = await db.query<{ name: string }>(
    `select a.name from messages m join agents a on a.id = m.agent_id and a.tenant_id = m.tenant_id
      where m.tenant_id = $1 and m.session_id = $2
      order by m.created_at desc, m.position desc limit 1`,
    [tenantId, sessionId],
  );
  return rows[0]?.name;
}

import type { ChatMessage, Citation, ConversationStreamEvent, MessageStatus } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * The conversation's event log (table conversation_events): staff replies and handoff states, in
 * the order the visitor's event stream sends them. Every query filters by tenant.
 */

export interface ConversationScope {
  tenantId: string;
  sessionId: string;
}

/** What is stored; a staff message is stored by id and read whole when sent. */
export type LoggedEvent = { kind: 'staff-message'; messageId: string } | { kind: 'handoff'; status: 'open' | 'resolved'; escalationId: string };

/** Two writers taking the same seq: the loser retries after the winner committed. Bounded, not infinite. */
const APPEND_ATTEMPTS = 20;

/**
 * Appends `event` as the conversation's next seq (max + 1). A writer that loses the race to the
 * same seq waits for the winner's commit (the primary key) and takes the next one, so a seq never
 * becomes visible before a smaller one: a reader resuming after N cannot skip a late commit.
 */
export async function appendConversationEvent(db: Db, scope: ConversationScope, event: LoggedEvent): Promise<number> {
  const messageId = event.kind === 'staff-message' ? event.messageId : null;
  const escalationId = event.kind === 'handoff' ? event.escalationId : null;
  const status = event.kind === 'handoff' ? event.status : null;
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const rows = await db.query<{ seq: number }>(
      `insert into conversation_events (tenant_id, session_id, seq, kind, message_id, escalation_id, status)
       select $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6 from conversation_events where tenant_id = $1 and session_id = $2
       on conflict do nothing
       returning seq`,
      [scope.tenantId, scope.sessionId, event.kind, messageId, escalationId, status],
    );
    if (rows[0]) return Number(rows[0].seq);
  }
  throw new Error('the conversation event log kept changing while appending');
}

/** The seq of the conversation's last event; 0 when it has none. */
export async function lastConversationEventSeq(db: Db, scope: ConversationScope): Promise<number> {
  const rows = await db.query<{ seq: number | null }>('select max(seq) as seq from conversation_events where tenant_id = $1 and session_id = $2', [scope.tenantId, scope.sessionId]);
  return Number(rows[0]?.seq ?? 0);
}

interface EventRow {
  seq: number;
  kind: LoggedEvent['kind'];
  escalation_id: string | null;
  status: 'open' | 'resolved' | null;
  m_id: string | null;
  m_role: 'user' | 'assistant' | null;
  m_text: string | null;
  m_status: MessageStatus | null;
  m_sources: unknown;
  m_author: 'bot' | 'human' | null;
  m_author_name: string | null;
  m_created_at: Date | string | null;
}

export interface SequencedEvent {
  seq: number;
  /** null: the event's message is gone (the visitor deleted their data); the seq is still used up. */
  event: ConversationStreamEvent | null;
}

/** Events read at once; a full page means more may be waiting. */
export const EVENTS_PAGE = 200;

/** The events after `afterSeq`, oldest first, at most `limit`; staff messages read whole from `messages`. */
export async function readConversationEvents(db: Db, scope: ConversationScope, afterSeq: number, limit = EVENTS_PAGE): Promise<SequencedEvent[]> {
  const rows = await db.query<EventRow>(
    `select e.seq, e.kind, e.escalation_id, e.status,
            m.id as m_id, m.role as m_role, m.text as m_text, m.status as m_status, m.sources as m_sources,
            m.author as m_author, m.author_name as m_author_name, m.created_at as m_created_at
       from conversation_events e
       left join messages m on m.tenant_id = e.tenant_id and m.id = e.message_id
      where e.tenant_id = $1 and e.session_id = $2 and e.seq > $3
      order by e.seq limit $4`,
    [scope.tenantId, scope.sessionId, afterSeq, limit],
  );
  return rows.map((row) => ({ seq: Number(row.seq), event: toStreamEvent(row) }));
}

function toStreamEvent(row: EventRow): ConversationStreamEvent | null {
  if (row.kind === 'handoff') return row.escalation_id && row.status ? { type: 'handoff', status: row.status, escalationId: row.escalation_id } : null;
  if (!row.m_id) return null;
  const sources = typeof row.m_sources === 'string' ? (JSON.parse(row.m_sources) as unknown) : row.m_sources;
  const message: ChatMessage = {
    id: row.m_id,
    role: row.m_role!,
    text: row.m_text ?? '',
    status: row.m_status!,
    sources: Array.isArray(sources) ? (sources as Citation[]) : [],
    createdAt: new Date(row.m_created_at!).toISOString(),
    author: row.m_author ?? 'human',
    ...(row.m_author_name ? { authorName: row.m_author_name } : {}),
  };
  return { type: 'staff-message', message };
}

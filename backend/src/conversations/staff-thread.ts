import type { AdminConversationMessage, AttachmentPart, Citation, LabelSource, MessageLabel, MessageStatus, ToolCallRecordWire } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { appendConversationEvent } from './event-log.js';
import { newId } from '../ids.js';

/** The tenant's view of one conversation, and staff replies into it. Every query filters by tenant. */

interface ConversationMessageRow {
  id: string;
  role: 'user' | 'assistant';
  author: 'bot' | 'human';
  text: string;
  status: MessageStatus;
  sources: Citation[];
  label: MessageLabel | null;
  label_source: LabelSource | null;
  agent_id: string | null;
  tool_calls: ToolCallRecordWire[];
  feedback_rating: 'up' | 'down' | null;
  feedback_comment: string | null;
  marked_good: boolean;
  author_name: string | null;
  attachments: AttachmentPart[] | null;
  created_at: Date;
}

const COLUMNS = `id, role, author, text, status, sources, label, label_source, agent_id, tool_calls, feedback_rating, feedback_comment, marked_good, author_name, attachments, created_at`;

function toAdminMessage(row: ConversationMessageRow): AdminConversationMessage {
  return {
    id: row.id,
    role: row.role,
    // A visitor's own message has no author in the bot/human sense; 'bot' is the column's default.
    author: row.author,
    text: row.text,
    status: row.status,
    sources: Array.isArray(row.sources) ? row.sources : [],
    label: row.label,
    labelSource: row.label_source,
    agentId: row.agent_id,
    toolCalls: Array.isArray(row.tool_calls) ? row.tool_calls : [],
    feedback: row.feedback_rating ? { rating: row.feedback_rating, comment: row.feedback_comment } : null,
    markedGood: row.marked_good,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.author_name ? { authorName: row.author_name } : {}),
    ...(Array.isArray(row.attachments) && row.attachments.length > 0 ? { attachments: row.attachments } : {}),
  };
}

export interface ConversationSession {
  sessionId: string;
  customerId: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export async function findConversationSession(db: Db, tenantId: string, sessionId: string): Promise<ConversationSession | undefined> {
  const rows = await db.query<{ id: string; customer_id: string | null; created_at: Date; last_seen_at: Date }>(
    'select id, customer_id, created_at, last_seen_at from sessions where tenant_id = $1 and id = $2',
    [tenantId, sessionId],
  );
  const row = rows[0];
  return row && { sessionId: row.id, customerId: row.customer_id, createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at) };
}

/** Every message of the conversation, oldest first, with who wrote it, its label and tool calls. */
export async function listConversationMessages(db: Db, tenantId: string, sessionId: string): Promise<AdminConversationMessage[]> {
  const rows = await db.query<ConversationMessageRow>(
    `select ${COLUMNS} from messages where tenant_id = $1 and session_id = $2 order by created_at, position`,
    [tenantId, sessionId],
  );
  return rows.map(toAdminMessage);
}

/**
 * A staff member's reply: an assistant message written by a human, complete at once, and its entry
 * in the conversation's event log (both or neither: the widget's stream never misses a reply). The
 * session must be this tenant's (the caller checks), so the reply can never land in another
 * tenant's chat. Returns the event's seq, for the caller to announce once committed.
 */
export async function insertStaffReply(
  db: Db,
  scope: { tenantId: string; sessionId: string; text: string; staffName?: string | undefined },
): Promise<{ message: AdminConversationMessage; seq: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<ConversationMessageRow>(
      `insert into messages (id, tenant_id, session_id, role, author, author_name, text, status, finished_at)
       values ($1, $2, $3, 'assistant', 'human', $5, $4, 'complete', clock_timestamp())
       returning ${COLUMNS}`,
      [newId('msg'), scope.tenantId, scope.sessionId, scope.text, scope.staffName ?? null],
    );
    const message = toAdminMessage(rows[0]!);
    const seq = await appendConversationEvent(tx, scope, { kind: 'staff-message', messageId: message.id });
    return { message, seq };
  });
}

/** The conversation's last user message: what a visitor's "talk to a person" follows. */
export async function latestUserMessageId(db: Db, tenantId: string, sessionId: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>(
    `select id from messages where tenant_id = $1 and session_id = $2 and role = 'user' order by created_at desc, position desc limit 1`,
    [tenantId, sessionId],
  );
  return rows[0]?.id ?? null;
}

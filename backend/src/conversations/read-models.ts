import type { AttachmentPart } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { jsonArray } from './messages.js';

/** Reads of conversations shaped for the features that show them. Every query is scoped by tenant. */

const TITLE_CHARS = 120;

/**
 * A conversation's title: its first visitor message (sessions aliased `s`). Both the visitor's and
 * the assistant's lists of past conversations name a conversation this way.
 */
const FIRST_USER_TEXT = `(select f.text from messages f where f.tenant_id = s.tenant_id and f.session_id = s.id and f.role = 'user'
              order by f.created_at, f.position limit 1)`;

/** One summary per existing session of the tenant among `sessionIds`, most recent activity first. */
export async function listConversationSummaries(db: Db, tenantId: string, sessionIds: string[]) {
  const rows = await db.query<{ id: string; title: string | null; message_count: number; last_at: Date }>(
    `select s.id,
            ${FIRST_USER_TEXT} as title,
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
  /** The staff member's display name on a staff reply, when it was signed. */
  authorName: string | null;
  text: string;
  /** As stored: the citations' shape is checked by whoever renders them. */
  sources: Array<{ title?: unknown; url?: unknown }> | null;
  /** The files the message carries (a visitor's attachment is a message without text). */
  attachments: AttachmentPart[];
  createdAt: Date;
}

/** The session's finished messages in order; answers still streaming, and messages with neither text nor a file, are not part of it. */
export async function finishedMessagesOf(db: Db, tenantId: string, sessionId: string): Promise<FinishedMessage[]> {
  const rows = await db.query<Omit<FinishedMessage, 'createdAt' | 'authorName' | 'attachments'> & { author_name: string | null; attachments: unknown; created_at: Date }>(
    `select role, author, author_name, text, sources, attachments, created_at from messages
     where tenant_id = $1 and session_id = $2 and status <> 'streaming' and (text <> '' or attachments <> '[]'::jsonb)
     order by created_at, position`,
    [tenantId, sessionId],
  );
  return rows.map((r) => ({
    role: r.role,
    author: r.author,
    authorName: r.author_name,
    text: r.text,
    sources: r.sources,
    attachments: jsonArray<AttachmentPart>(r.attachments),
    createdAt: r.created_at,
  }));
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

/** The texts of the tenant's latest staff replies (written by a human after a handoff), newest first. */
export async function latestHumanReplyTexts(db: Db, tenantId: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ text: string }>(
    `select text from messages
     where tenant_id = $1 and role = 'assistant' and author = 'human' and btrim(text) <> ''
     order by created_at desc, position desc
     limit $2`,
    [tenantId, limit],
  );
  return rows.map((r) => r.text);
}

/** How many user messages got one label from one source on one UTC day. */
export interface LabelCountRow {
  day: string;
  label: string;
  label_source: string | null;
  n: number;
}

/** The tenant's labelled user messages written in [start, end), counted by UTC day, label and source. */
export async function labelCountRows(db: Db, tenantId: string, start: string, end: string): Promise<LabelCountRow[]> {
  return db.query<LabelCountRow>(
    `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, label, label_source, count(*)::int as n
     from messages
     where tenant_id = $1 and role = 'user' and label is not null
       and created_at >= $2::timestamptz and created_at < $3::timestamptz
     group by 1, 2, 3`,
    [tenantId, start, end],
  );
}

/** One of a customer's conversations as the assistant's lookup_customer tool reports it. */
export interface PastConversation {
  startedAt: Date;
  lastActivityAt: Date;
  messageCount: number;
  /** The first visitor message. */
  title: string | null;
  /** The last answer with text. */
  lastAnswer: string | null;
}

/** The customer's conversations with messages other than `exceptSessionId`, latest message first. */
export async function pastConversationsOf(
  db: Db,
  scope: { tenantId: string; customerId: string; exceptSessionId: string },
  limit: number,
): Promise<PastConversation[]> {
  const rows = await db.query<{ started_at: Date; last_at: Date; message_count: number; title: string | null; excerpt: string | null }>(
    `select s.created_at as started_at, max(m.created_at) as last_at, count(m.id)::int as message_count,
            ${FIRST_USER_TEXT} as title,
            (select l.text from messages l where l.tenant_id = s.tenant_id and l.session_id = s.id and l.role = 'assistant' and l.text <> ''
              order by l.created_at desc, l.position desc limit 1) as excerpt
       from sessions s join messages m on m.tenant_id = s.tenant_id and m.session_id = s.id
      where s.tenant_id = $1 and s.customer_id = $2 and s.id <> $3
      group by s.id, s.tenant_id, s.created_at
      order by last_at desc
      limit ${Number(limit)}`,
    [scope.tenantId, scope.customerId, scope.exceptSessionId],
  );
  return rows.map((r) => ({
    startedAt: new Date(r.started_at),
    lastActivityAt: new Date(r.last_at),
    messageCount: r.message_count,
    title: r.title,
    lastAnswer: r.excerpt,
  }));
}

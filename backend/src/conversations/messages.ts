import type { Answerer as AnswererKind, AttachmentPart, ChatMessage, Citation, LabelSource, MessageAuthor, MessageLabel, MessageStatus, UIStreamChunk } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { conversationChangeSql } from './working-state.js';

/** A row of `messages`. Every query below is scoped by tenant (and session where it applies). */
export interface StoredMessage extends MessageSummary {
  /** The answer's stream, chunk i having seq i + 1; empty until the answer is finished. */
  events: UIStreamChunk[];
}

/** A message without its event log: what history needs. */
export interface MessageSummary {
  id: string;
  tenantId: string;
  sessionId: string;
  role: 'user' | 'assistant';
  text: string;
  status: MessageStatus;
  sources: Citation[];
  answerer: AnswererKind | null;
  /** Assistant messages: 'human' for a staff reply after a handoff. */
  author: MessageAuthor;
  /** A staff reply: its writer's name, when the team gave one. */
  authorName: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  feedback: { rating: 'up' | 'down'; comment: string | null } | null;
  /** Files the visitor attached (attachments/); empty for every other message. */
  attachments: AttachmentPart[];
}

interface MessageRow {
  id: string;
  tenant_id: string;
  session_id: string;
  role: 'user' | 'assistant';
  text: string;
  status: MessageStatus;
  sources: unknown;
  events?: unknown;
  answerer: AnswererKind | null;
  author: MessageAuthor;
  author_name: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
  feedback_rating: 'up' | 'down' | null;
  feedback_comment: string | null;
  attachments: unknown;
}

const COLUMNS = 'id, tenant_id, session_id, role, text, status, sources, events, answerer, author, author_name, created_at, finished_at, feedback_rating, feedback_comment, attachments';
/** Everything but the event log, which only resume needs and which is the bulk of a row. */
const SUMMARY_COLUMNS = 'id, tenant_id, session_id, role, text, status, sources, answerer, author, author_name, created_at, finished_at, feedback_rating, feedback_comment, attachments';

export const newMessageId = (): string => newId('msg');

/** jsonb arrives parsed from both PGlite and pg; tolerate a string in case a driver returns text. */
export function jsonArray<T>(value: unknown): T[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

function fromSummaryRow(row: MessageRow): MessageSummary {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    role: row.role,
    text: row.text,
    status: row.status,
    sources: jsonArray<Citation>(row.sources),
    answerer: row.answerer,
    author: row.author,
    authorName: row.author_name ?? null,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    feedback: row.feedback_rating ? { rating: row.feedback_rating, comment: row.feedback_comment } : null,
    attachments: jsonArray<AttachmentPart>(row.attachments),
  };
}

function fromRow(row: MessageRow): StoredMessage {
  return { ...fromSummaryRow(row), events: jsonArray<UIStreamChunk>(row.events) };
}

export function toChatMessage(message: MessageSummary): ChatMessage {
  return {
    id: message.id,
    role: message.role,
    text: message.text,
    status: message.status,
    sources: message.sources,
    createdAt: message.createdAt.toISOString(),
    ...(message.role === 'assistant' ? { author: message.author } : {}),
    ...(message.authorName ? { authorName: message.authorName } : {}),
    ...(message.feedback ? { feedback: message.feedback } : {}),
    ...(message.attachments.length > 0 ? { attachments: message.attachments } : {}),
  };
}

interface SessionScope {
  tenantId: string;
  sessionId: string;
}

/** The agent a message was addressed to (user) or written by (assistant); null before agents existed. */
type AgentScope = SessionScope & { agentId?: string | null };

/** A user's question is complete the moment it is stored. */
export async function insertUserMessage(db: Db, scope: AgentScope & { text: string }): Promise<StoredMessage> {
  const rows = await db.query<MessageRow>(
    `insert into messages (id, tenant_id, session_id, role, text, status, finished_at, agent_id)
     values ($1, $2, $3, 'user', $4, 'complete', clock_timestamp(), $5)
     returning ${COLUMNS}`,
    [newMessageId(), scope.tenantId, scope.sessionId, scope.text, scope.agentId ?? null],
  );
  return fromRow(rows[0]!);
}

/** The answer's row exists from its first chunk, so history and resume can find it while it streams. */
export async function insertAssistantMessage(db: Db, scope: AgentScope, leaseMs = ANSWER_LEASE_MS): Promise<StoredMessage> {
  const rows = await db.query<MessageRow>(
    `insert into messages (id, tenant_id, session_id, role, text, status, agent_id, events, live_until)
     values ($1, $2, $3, 'assistant', '', 'streaming', $4, '[]'::jsonb, clock_timestamp() + make_interval(secs => $5 / 1000.0))
     returning ${COLUMNS}`,
    [newMessageId(), scope.tenantId, scope.sessionId, scope.agentId ?? null, leaseMs],
  );
  return fromRow(rows[0]!);
}

/**
 * A visitor's question and the empty answer row after it, both or neither, in one statement (one
 * round trip on the answer's critical path, where a transaction takes four), with the
 * conversation's working state touched as a visitor message in the same statement. The caller
 * announces the change to the inboxes (announceInboxChange). VALUES rows are inserted in order, so
 * the question's created_at and position come first.
 */
export async function insertQuestionAndAnswer(
  db: Db,
  scope: AgentScope & { text: string },
  leaseMs = ANSWER_LEASE_MS,
): Promise<{ user: StoredMessage; assistant: StoredMessage }> {
  const rows = await db.query<MessageRow>(
    `with turn as (
       insert into messages (id, tenant_id, session_id, role, text, status, finished_at, agent_id, events, live_until)
       values ($3, $1, $2, 'user', $4, 'complete', clock_timestamp(), $5, default, null),
              ($6, $1, $2, 'assistant', '', 'streaming', null, $5, '[]'::jsonb, clock_timestamp() + make_interval(secs => $7 / 1000.0))
       returning ${COLUMNS}),
     state as (${conversationChangeSql('visitor-message')})
     select * from turn`,
    [scope.tenantId, scope.sessionId, newMessageId(), scope.text, scope.agentId ?? null, newMessageId(), leaseMs],
  );
  const user = rows.find((row) => row.role === 'user');
  const assistant = rows.find((row) => row.role === 'assistant');
  if (!user || !assistant) throw new Error('storing a question and its answer returned no rows');
  return { user: fromRow(user), assistant: fromRow(assistant) };
}

/**
 * How long an instance vouches for an answer it streams without renewing: past this, a row still
 * 'streaming' was left by an instance that died. Renewed well within it (chat/answer-log.ts).
 */
export const ANSWER_LEASE_MS = 10_000;

/**
 * Appends streamed chunks to the answer's stored log and text, and renews its lease. Only while it
 * is still 'streaming': a late batch can never add to a finished answer's final log.
 */
export async function appendAnswerChunks(
  db: Db,
  answer: { tenantId: string; messageId: string; chunks: readonly UIStreamChunk[]; text: string; leaseMs: number },
): Promise<void> {
  await db.query(
    `update messages
        set events = coalesce(events, '[]'::jsonb) || $3::jsonb, text = $4,
            live_until = clock_timestamp() + make_interval(secs => $5 / 1000.0)
      where tenant_id = $1 and id = $2 and role = 'assistant' and status = 'streaming'`,
    [answer.tenantId, answer.messageId, JSON.stringify(answer.chunks), answer.text, answer.leaseMs],
  );
}

/** Gives up the answer's lease (its run ended here, stored or not): a reader need not wait for it. */
export async function releaseAnswerLease(db: Db, scope: { tenantId: string; messageId: string }): Promise<void> {
  await db.query(`update messages set live_until = null where tenant_id = $1 and id = $2 and status = 'streaming'`, [scope.tenantId, scope.messageId]);
}

/**
 * Settles an answer left 'streaming' by an instance that died (its lease ran out): status 'error',
 * its stored log kept and closed by an error chunk, so a resume gets the text that was shown, then
 * the error, with ids that never go backwards. A log that had already ended (the instance stored
 * every chunk but not the final row) keeps its own ending and status. Undefined when it is not such an answer (finished, or
 * its lease still held): exactly one reader settles it.
 */
export async function settleInterruptedAnswer(db: Db, scope: { tenantId: string; messageId: string }, errorText: string): Promise<StoredMessage | undefined> {
  const rows = await db.query<MessageRow>(
    `update messages
        set status = case events->-1->>'type' when 'finish' then 'complete' when 'abort' then 'stopped' else 'error' end,
            finished_at = clock_timestamp(), live_until = null,
            -- A log that already ended (only the final write was lost) is whole; any other gets the error.
            events = case when events->-1->>'type' in ('finish', 'abort', 'error') then events
                          else (case when jsonb_array_length(coalesce(events, '[]'::jsonb)) = 0
                                     then jsonb_build_array(jsonb_build_object('type', 'start', 'messageId', id)) else events end)
                               || jsonb_build_array(jsonb_build_object('type', 'error', 'errorText', $3::text)) end
      where tenant_id = $1 and id = $2 and role = 'assistant' and status = 'streaming'
        and (live_until is null or live_until <= clock_timestamp())
      returning ${COLUMNS}`,
    [scope.tenantId, scope.messageId, errorText],
  );
  return rows[0] && fromRow(rows[0]);
}

/** An answer as another instance reads it while it streams: its status, whether its lease holds, and the chunks after `afterSeq`. */
export interface AnswerProgress {
  status: MessageStatus;
  leaseHeld: boolean;
  /** Chunks with seq > afterSeq, in order (seq = position in the log, from 1). */
  chunks: UIStreamChunk[];
  /** The log's length. */
  lastSeq: number;
  /** The log's last chunk (how it ended, once finished). */
  last: UIStreamChunk | null;
}

export async function readAnswerProgress(db: Db, scope: { tenantId: string; messageId: string }, afterSeq: number): Promise<AnswerProgress | undefined> {
  const rows = await db.query<{ status: MessageStatus; lease_held: boolean; tail: unknown; last_seq: number; last: UIStreamChunk | null }>(
    `select status, coalesce(live_until > clock_timestamp(), false) as lease_held, events->-1 as last,
            coalesce(jsonb_array_length(events), 0) as last_seq,
            (select coalesce(jsonb_agg(e order by i), '[]'::jsonb)
               from jsonb_array_elements(coalesce(events, '[]'::jsonb)) with ordinality as t(e, i) where i > $3) as tail
       from messages where tenant_id = $1 and id = $2 and role = 'assistant'`,
    [scope.tenantId, scope.messageId, afterSeq],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { status: row.status, leaseHeld: row.lease_held, chunks: jsonArray<UIStreamChunk>(row.tail), lastSeq: row.last_seq, last: row.last ?? null };
}

export interface FinishedAnswer {
  tenantId: string;
  messageId: string;
  text: string;
  sources: Citation[];
  status: Exclude<MessageStatus, 'streaming'>;
  events: UIStreamChunk[];
  answerer: AnswererKind | null;
  /**
   * The tool calls made while writing it (tools/types.ts ToolCallRecord), stored as JSON; omitted =
   * leave the stored ones. Opaque here: conversations sit below tools and must not import them.
   */
  toolCalls?: readonly unknown[];
  /** How the question it answers was classified: stored on the question's row in the same statement. */
  questionLabel?: { messageId: string; label: MessageLabel; source: LabelSource } | undefined;
}

/**
 * Persists an answer's final state once, when it completes, is stopped or fails, with the
 * question's label: one round trip for both, off the path to the answer's first words.
 */
export async function finishAssistantMessage(db: Db, answer: FinishedAnswer): Promise<void> {
  const label = answer.questionLabel;
  await db.query(
    `with question as (
       update messages set label = $10, label_source = $11
        where tenant_id = $1 and id = $9 and role = 'user' and $9::text is not null)
     update messages
        set text = $3, sources = $4::jsonb, status = $5, events = $6::jsonb, answerer = $7, finished_at = clock_timestamp(), live_until = null,
            tool_calls = coalesce($8::jsonb, tool_calls)
      where tenant_id = $1 and id = $2 and role = 'assistant'`,
    [
      answer.tenantId,
      answer.messageId,
      answer.text,
      JSON.stringify(answer.sources),
      answer.status,
      JSON.stringify(answer.events),
      answer.answerer,
      answer.toolCalls ? JSON.stringify(answer.toolCalls) : null,
      label?.messageId ?? null,
      label?.label ?? null,
      label?.source ?? null,
    ],
  );
}

/** A session's messages, oldest first, without their event logs. */
export async function listSessionMessages(db: Db, scope: SessionScope): Promise<MessageSummary[]> {
  const rows = await db.query<MessageRow>(
    `select ${SUMMARY_COLUMNS} from messages
      where tenant_id = $1 and session_id = $2
      order by created_at, position`,
    [scope.tenantId, scope.sessionId],
  );
  return rows.map(fromSummaryRow);
}

/** The latest finished turns of a session with text, oldest first: the conversation context of a new answer. */
export async function recentTurns(db: Db, scope: SessionScope, limit: number): Promise<Array<{ role: 'user' | 'assistant'; text: string }>> {
  const rows = await db.query<{ role: 'user' | 'assistant'; text: string }>(
    `select role, text from messages
      where tenant_id = $1 and session_id = $2 and status in ('complete', 'stopped') and text <> ''
      order by created_at desc, position desc
      limit $3`,
    [scope.tenantId, scope.sessionId, limit],
  );
  return rows.reverse();
}

/** One message, only if it belongs to this tenant's session (anything else looks like "not found"). */
export async function findSessionMessage(db: Db, scope: SessionScope & { messageId: string }): Promise<StoredMessage | undefined> {
  const rows = await db.query<MessageRow>(
    `select ${COLUMNS} from messages where tenant_id = $1 and session_id = $2 and id = $3`,
    [scope.tenantId, scope.sessionId, scope.messageId],
  );
  const row = rows[0];
  return row ? fromRow(row) : undefined;
}

/** The session's newest answer still streaming (here or on another instance), if any: what a resume by chat follows. */
export async function streamingAnswerOfSession(db: Db, scope: SessionScope): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `select id from messages
      where tenant_id = $1 and session_id = $2 and role = 'assistant' and status = 'streaming'
      order by created_at desc, position desc limit 1`,
    [scope.tenantId, scope.sessionId],
  );
  return rows[0]?.id;
}

/** The conversation's last question and the answer after it (when there is one): what a regenerate replaces. */
export async function lastTurn(db: Db, scope: SessionScope): Promise<{ question: MessageSummary | undefined; answer: MessageSummary | undefined }> {
  const rows = await db.query<MessageRow>(
    `select ${SUMMARY_COLUMNS} from messages
      where tenant_id = $1 and session_id = $2
        and created_at >= coalesce((select max(created_at) from messages where tenant_id = $1 and session_id = $2 and role = 'user'), '-infinity')
      order by created_at, position`,
    [scope.tenantId, scope.sessionId],
  );
  const messages = rows.map(fromSummaryRow);
  const question = messages.findLast((m) => m.role === 'user');
  return { question, answer: messages.findLast((m) => m.role === 'assistant' && question !== undefined && m.createdAt >= question.createdAt) };
}

/** Whether the message is an answer of this session other than `exceptId` (a regenerate naming an older answer). */
export async function isOtherAnswerOfSession(db: Db, scope: SessionScope & { messageId: string; exceptId: string | undefined }): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `select id from messages where tenant_id = $1 and session_id = $2 and id = $3 and role = 'assistant' and id is distinct from $4`,
    [scope.tenantId, scope.sessionId, scope.messageId, scope.exceptId ?? null],
  );
  return rows.length > 0;
}

/** Removes a finished answer (regenerate replaces it); a streaming one is left alone. Its usage records keep their cost. */
export async function deleteFinishedAnswer(db: Db, scope: SessionScope & { messageId: string }): Promise<void> {
  await db.query(
    `delete from messages where tenant_id = $1 and session_id = $2 and id = $3 and role = 'assistant' and status <> 'streaming'`,
    [scope.tenantId, scope.sessionId, scope.messageId],
  );
}

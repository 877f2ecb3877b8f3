import { INBOX_LIMITS, type ConversationChannel, type CustomerAttributeValue, type ConversationStatus, type InboxConversation, type InboxQuery } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * The inbox as staff read it: each conversation with its working state, channel, customer, last
 * message, label and the reader's unread count, in few queries (one for a page, one for the counts).
 * Every query filters by tenant.
 */

/** What a preview of the last message keeps. */
export const PREVIEW_CHARS = 200;

/** A snoozed conversation whose time has come reads as open (no timer: computed when read). */
const STATUS = `case when cs.status = 'snoozed' and cs.snoozed_until <= now() then 'open' else cs.status end`;

/** The channel: a session with an SMS conversation is an SMS one. */
const SMS_JOIN = 'left join sms_conversations sc on sc.tenant_id = cs.tenant_id and sc.session_id = cs.session_id';
/** A session with a conversation of the channels API (a tenant's own gateway) is an 'api' one. */
const API_JOIN = 'left join api_conversations ac on ac.tenant_id = cs.tenant_id and ac.session_id = cs.session_id';
const CHANNEL_JOINS = `${SMS_JOIN}\n  ${API_JOIN}`;
/** The last visitor message's label and agent. */
const LAST_VISITOR_JOIN = `left join lateral (
    select m.label, m.agent_id from messages m
     where m.tenant_id = cs.tenant_id and m.session_id = cs.session_id and m.role = 'user'
     order by m.created_at desc, m.position desc limit 1
  ) lv on true`;

/** The conversations of a tenant with what filters and rows need ($1 the tenant, $2 the reading staff account). */
const FROM = `
  from conversation_states cs
  join sessions s on s.tenant_id = cs.tenant_id and s.id = cs.session_id
  ${CHANNEL_JOINS}
  ${LAST_VISITOR_JOIN}`;

const ROW_SELECT = `
  select cs.session_id, ${STATUS} as status, cs.snoozed_until, cs.updated_at, s.created_at,
         sc.phone as sms_phone, ac.session_id is not null as via_api, lv.label, lv.agent_id,
         a.id as assignee_id, a.email as assignee_email, a.name as assignee_name,
         c.id as customer_id, c.email as customer_email, c.name as customer_name, c.phone as customer_phone, c.attributes as customer_attributes, c.verified_attribute_keys as customer_verified_attributes,
         lm.text as last_text, lm.role as last_role, lm.author as last_author, lm.created_at as last_at,
         (select count(*) from messages u
           where u.tenant_id = cs.tenant_id and u.session_id = cs.session_id and u.role = 'user'
             and u.created_at > coalesce(r.read_at, '-infinity')) as unread
  ${FROM}
  left join staff_accounts a on a.tenant_id = cs.tenant_id and a.id = cs.assignee_id
  left join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
  left join staff_read_markers r on r.tenant_id = cs.tenant_id and r.account_id = $2 and r.session_id = cs.session_id
  left join lateral (
    -- A file the visitor attached (a message without text) previews as its name.
    select case when m.text = '' then '📎 ' || coalesce(m.attachments->0->>'name', 'file') else left(m.text, ${PREVIEW_CHARS + 1}) end as text,
           m.role, m.author, m.created_at from messages m
     where m.tenant_id = cs.tenant_id and m.session_id = cs.session_id and (m.text <> '' or m.attachments <> '[]'::jsonb)
     order by m.created_at desc, m.position desc limit 1
  ) lm on true`;

interface Row {
  session_id: string;
  status: ConversationStatus;
  snoozed_until: Date | null;
  updated_at: Date;
  created_at: Date;
  sms_phone: string | null;
  /** The phone the customer verified by SMS code. */
  customer_phone: string | null;
  via_api: boolean;
  label: string | null;
  agent_id: string | null;
  assignee_id: string | null;
  assignee_email: string | null;
  assignee_name: string | null;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  customer_attributes: Record<string, CustomerAttributeValue> | null;
  customer_verified_attributes: string[] | null;
  last_text: string | null;
  last_role: 'user' | 'assistant' | null;
  last_author: 'bot' | 'human' | null;
  last_at: Date | null;
  unread: number | string;
}

/** A row of the list; the detail adds the customer's attributes (up to 20 short values each, kept out of pages). */
function toConversation(row: Row): InboxConversation {
  return {
    sessionId: row.session_id,
    status: row.status,
    channel: row.sms_phone ? 'sms' : row.via_api ? 'api' : 'widget',
    assignee: row.assignee_id ? { id: row.assignee_id, email: row.assignee_email!, ...(row.assignee_name ? { name: row.assignee_name } : {}) } : null,
    customer: row.customer_id ? { id: row.customer_id, email: row.customer_email, phone: row.sms_phone ?? row.customer_phone, name: row.customer_name } : null,
    lastMessage:
      row.last_text !== null && row.last_at
        ? { text: preview(row.last_text), from: row.last_role === 'user' ? 'visitor' : row.last_author === 'human' ? 'staff' : 'bot', createdAt: iso(row.last_at) }
        : null,
    label: row.label,
    agentId: row.agent_id,
    unread: Number(row.unread),
    snoozedUntil: row.snoozed_until ? iso(row.snoozed_until) : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const iso = (value: Date | string): string => new Date(value).toISOString();

/** One line, at most PREVIEW_CHARS, cut with an ellipsis. */
function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1).trimEnd()}…` : line;
}

/** STATUS = status, written so the (tenant, status, updated_at) index serves it. */
function statusIs(status: ConversationStatus, param: (value: unknown) => string): string {
  if (status === 'open') return `(cs.status = 'open' or (cs.status = 'snoozed' and cs.snoozed_until <= now()))`;
  if (status === 'snoozed') return `(cs.status = 'snoozed' and (cs.snoozed_until is null or cs.snoozed_until > now()))`;
  return `cs.status = ${param(status)}`;
}

const CHANNEL_IS: Record<ConversationChannel, string> = {
  sms: 'sc.session_id is not null',
  api: 'ac.session_id is not null',
  widget: 'sc.session_id is null and ac.session_id is null',
};

/** The filters of a query as SQL conditions, with their parameters appended to `params`. */
function filterSql(query: InboxQuery, reader: string, params: unknown[], opts: { status: boolean }): string {
  const where: string[] = ['cs.tenant_id = $1'];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (opts.status && query.status) where.push(statusIs(query.status, param));
  if (query.assignee === 'unassigned') where.push('cs.assignee_id is null');
  else if (query.assignee) where.push(`cs.assignee_id = ${param(query.assignee === 'me' ? reader : query.assignee)}`);
  if (query.channel) where.push(CHANNEL_IS[query.channel]);
  if (query.label) where.push(`lv.label = ${param(query.label)}`);
  if (query.agentId) where.push(`lv.agent_id = ${param(query.agentId)}`);
  return where.join(' and ');
}

export interface InboxPage {
  conversations: InboxConversation[];
  nextBefore: string | null;
}

/**
 * A page of the inbox, newest activity first. Activity times are whole milliseconds, so `before`
 * is exact. A page never splits the conversations of one millisecond: it ends before them and the
 * next page starts with them (nextBefore is then one millisecond past); should more than a page
 * share one millisecond, that page holds all of them.
 */
export async function listInbox(db: Db, scope: { tenantId: string; reader: string }, query: InboxQuery): Promise<InboxPage> {
  const limit = query.limit ?? INBOX_LIMITS.defaultPageSize;
  const params: unknown[] = [scope.tenantId, scope.reader];
  let where = filterSql(query, scope.reader, params, { status: true });
  if (query.before) where += ` and cs.updated_at < $${params.push(query.before)}`;
  const rows = await db.query<Row>(`${ROW_SELECT} where ${where} order by cs.updated_at desc, cs.session_id desc limit ${limit + 1}`, params);
  if (rows.length <= limit) return { conversations: rows.map(toConversation), nextBefore: null };

  const boundary = new Date(rows[limit]!.updated_at).getTime();
  const before = rows.slice(0, limit).filter((row) => new Date(row.updated_at).getTime() > boundary);
  if (before.length > 0) return { conversations: before.map(toConversation), nextBefore: new Date(boundary + 1).toISOString() };
  // More than a page in one millisecond: all of them, then what is older.
  const tied = await db.query<Row>(
    `${ROW_SELECT} where ${where} and cs.updated_at = $${params.push(new Date(boundary).toISOString())} order by cs.session_id desc`,
    params,
  );
  return { conversations: tied.map(toConversation), nextBefore: new Date(boundary).toISOString() };
}

/** Conversations per status under the query's filters, status aside; every status is present. */
export async function countByStatus(db: Db, scope: { tenantId: string; reader: string }, query: InboxQuery): Promise<Record<ConversationStatus, number>> {
  const params: unknown[] = [scope.tenantId];
  const where = filterSql(query, scope.reader, params, { status: false });
  // Only the joins the filters need: counting reads every conversation of the tenant.
  const joins = [query.channel ? CHANNEL_JOINS : '', query.label || query.agentId ? LAST_VISITOR_JOIN : ''].join('\n');
  const rows = await db.query<{ status: ConversationStatus; n: number | string }>(
    `select ${STATUS} as status, count(*) as n from conversation_states cs ${joins} where ${where} group by 1`,
    params,
  );
  const counts: Record<ConversationStatus, number> = { open: 0, pending: 0, resolved: 0, snoozed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** One conversation as an inbox row; undefined when the tenant has no such conversation. */
export async function findInboxConversation(db: Db, scope: { tenantId: string; reader: string }, sessionId: string): Promise<InboxConversation | undefined> {
  const rows = await db.query<Row>(`${ROW_SELECT} where cs.tenant_id = $1 and cs.session_id = $3`, [scope.tenantId, scope.reader, sessionId]);
  const row = rows[0];
  if (!row) return undefined;
  const conversation = toConversation(row);
  if (conversation.customer) {
    conversation.customer.attributes = row.customer_attributes ?? {};
    conversation.customer.verifiedAttributes = row.customer_verified_attributes ?? [];
  }
  return conversation;
}

/** The customer's other conversations, newest activity first (at most a page). */
export async function otherConversationsOf(
  db: Db,
  scope: { tenantId: string; sessionId: string },
): Promise<Array<{ sessionId: string; status: ConversationStatus; updatedAt: string }>> {
  const rows = await db.query<{ session_id: string; status: ConversationStatus; updated_at: Date }>(
    `select cs.session_id, ${STATUS} as status, cs.updated_at
       from sessions me
       join sessions s on s.tenant_id = me.tenant_id and s.customer_id = me.customer_id and s.id <> me.id
       join conversation_states cs on cs.tenant_id = s.tenant_id and cs.session_id = s.id
      where me.tenant_id = $1 and me.id = $2 and me.customer_id is not null
      order by cs.updated_at desc limit ${INBOX_LIMITS.defaultPageSize}`,
    [scope.tenantId, scope.sessionId],
  );
  return rows.map((row) => ({ sessionId: row.session_id, status: row.status, updatedAt: iso(row.updated_at) }));
}

import type { AttachmentPart, IdentityLevelName } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { jsonArray } from './messages.js';

/**
 * A customer's conversations as data rights need them: everything to export, and the erasure of
 * their sessions. Every query is scoped by tenant.
 */

export interface ExportedSession {
  id: string;
  identity_level: IdentityLevelName;
  created_at: Date;
  last_seen_at: Date;
}

export interface ExportedMessage {
  id: string;
  session_id: string;
  role: 'user' | 'assistant';
  author: string;
  text: string;
  /** The files the message carries (a visitor's attachment is a message of its own, without text). */
  attachments: AttachmentPart[];
  created_at: Date;
}

/** The customer's sessions, oldest first. */
export async function sessionsOfCustomer(db: Db, tenantId: string, customerId: string): Promise<ExportedSession[]> {
  return db.query<ExportedSession>(
    'select id, identity_level, created_at, last_seen_at from sessions where tenant_id = $1 and customer_id = $2 order by created_at',
    [tenantId, customerId],
  );
}

/** Every message of these sessions, in conversation order. */
export async function messagesForExport(db: Db, tenantId: string, sessionIds: readonly string[]): Promise<ExportedMessage[]> {
  const rows = await db.query<Omit<ExportedMessage, 'attachments'> & { attachments: unknown }>(
    `select id, session_id, role, author, text, attachments, created_at from messages
      where tenant_id = $1 and session_id = any($2::text[]) order by created_at, position`,
    [tenantId, sessionIds],
  );
  return rows.map((row) => ({ ...row, attachments: jsonArray<AttachmentPart>(row.attachments) }));
}

/** Ids of all the customer's sessions, in no particular order. */
export async function allSessionIdsOfCustomer(db: Db, tenantId: string, customerId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('select id from sessions where tenant_id = $1 and customer_id = $2', [tenantId, customerId]);
  return rows.map((r) => r.id);
}

/**
 * Detaches usage records (llm_calls) from these sessions and their messages: the anonymized row is
 * what the tenant must keep once the conversation is erased. Run inside the erasing transaction.
 */
export async function detachUsageFromSessions(db: Db, tenantId: string, sessionIds: readonly string[]): Promise<void> {
  await db.query(
    `update llm_calls set session_id = null, message_id = null
      where tenant_id = $1 and (session_id = any($2::text[])
        or message_id in (select id from messages where tenant_id = $1 and session_id = any($2::text[])))`,
    [tenantId, sessionIds],
  );
}

/** Deletes these sessions; their messages and escalations cascade. */
export async function deleteSessions(db: Db, tenantId: string, sessionIds: readonly string[]): Promise<void> {
  await db.query('delete from sessions where tenant_id = $1 and id = any($2::text[])', [tenantId, sessionIds]);
}

import type { StaffNote } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/**
 * The team's private notes on a conversation (table staff_notes). Nothing here is ever read by the
 * visitor's routes: the thread and its event stream come from messages and conversation_events.
 * Every query filters by tenant.
 */

interface NoteRow {
  id: string;
  text: string;
  author_id: string | null;
  author_email: string;
  created_at: Date;
}

function toNote(row: NoteRow): StaffNote {
  // An account that no longer exists keeps its email on its notes; its id is gone with it.
  return { id: row.id, text: row.text, author: { id: row.author_id ?? '', email: row.author_email }, createdAt: new Date(row.created_at).toISOString() };
}

export async function addNote(db: Db, scope: { tenantId: string; sessionId: string; author: { accountId: string; email: string } }, text: string): Promise<StaffNote> {
  const rows = await db.query<NoteRow>(
    `insert into staff_notes (id, tenant_id, session_id, author_id, author_email, text) values ($1, $2, $3, $4, $5, $6)
     returning id, text, author_id, author_email, created_at`,
    [newId('note'), scope.tenantId, scope.sessionId, scope.author.accountId, scope.author.email, text],
  );
  return toNote(rows[0]!);
}

/** The conversation's notes, oldest first. */
export async function listNotes(db: Db, scope: { tenantId: string; sessionId: string }): Promise<StaffNote[]> {
  const rows = await db.query<NoteRow>(
    'select id, text, author_id, author_email, created_at from staff_notes where tenant_id = $1 and session_id = $2 order by created_at, id',
    [scope.tenantId, scope.sessionId],
  );
  return rows.map(toNote);
}

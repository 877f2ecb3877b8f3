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
  /** The author's display name as it is now (null: none set, or the account is gone). */
  author_name: string | null;
  created_at: Date;
}

function toNote(row: NoteRow): StaffNote {
  // An account that no longer exists keeps its email on its notes; its id is gone with it.
  const author = { id: row.author_id ?? '', email: row.author_email, ...(row.author_name ? { name: row.author_name } : {}) };
  return { id: row.id, text: row.text, author, createdAt: new Date(row.created_at).toISOString() };
}

export async function addNote(db: Db, scope: { tenantId: string; sessionId: string; author: { accountId: string; email: string } }, text: string): Promise<StaffNote> {
  const rows = await db.query<NoteRow>(
    `with note as (
       insert into staff_notes (id, tenant_id, session_id, author_id, author_email, text) values ($1, $2, $3, $4, $5, $6)
       returning id, tenant_id, text, author_id, author_email, created_at
     )
     select n.id, n.text, n.author_id, n.author_email, a.name as author_name, n.created_at
       from note n left join staff_accounts a on a.tenant_id = n.tenant_id and a.id = n.author_id`,
    [newId('note'), scope.tenantId, scope.sessionId, scope.author.accountId, scope.author.email, text],
  );
  return toNote(rows[0]!);
}

/** The conversation's notes, oldest first. */
export async function listNotes(db: Db, scope: { tenantId: string; sessionId: string }): Promise<StaffNote[]> {
  const rows = await db.query<NoteRow>(
    `select n.id, n.text, n.author_id, n.author_email, a.name as author_name, n.created_at
       from staff_notes n left join staff_accounts a on a.tenant_id = n.tenant_id and a.id = n.author_id
      where n.tenant_id = $1 and n.session_id = $2 order by n.created_at, n.id`,
    [scope.tenantId, scope.sessionId],
  );
  return rows.map(toNote);
}

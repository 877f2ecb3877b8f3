import type { Db } from '../db/db.js';

/**
 * What is said about a stored message after it was written: a visitor's thumbs, staff marking an
 * answer good. (The classifier's label is written with the answer: messages.ts finishAssistantMessage.) Each write is scoped by tenant (and session where the
 * caller is a visitor).
 */

export interface SavedFeedback {
  messageId: string;
  rating: 'up' | 'down';
  comment: string | null;
  updatedAt: string;
}

/** Stores feedback on an assistant message of this tenant's session (replacing any earlier one). */
export async function saveFeedback(
  db: Db,
  f: { tenantId: string; sessionId: string; messageId: string; rating: 'up' | 'down'; comment: string | null },
): Promise<SavedFeedback | 'missing' | 'streaming'> {
  const rows = await db.query<{ id: string; feedback_rating: 'up' | 'down'; feedback_comment: string | null; feedback_at: Date }>(
    `update messages set feedback_rating = $4, feedback_comment = $5, feedback_at = clock_timestamp()
     where id = $1 and tenant_id = $2 and session_id = $3 and role = 'assistant' and status <> 'streaming'
     returning id, feedback_rating, feedback_comment, feedback_at`,
    [f.messageId, f.tenantId, f.sessionId, f.rating, f.comment],
  );
  const row = rows[0];
  if (row) return { messageId: row.id, rating: row.feedback_rating, comment: row.feedback_comment, updatedAt: row.feedback_at.toISOString() };
  const exists = await db.query<{ status: string }>(
    `select status from messages where id = $1 and tenant_id = $2 and session_id = $3 and role = 'assistant'`,
    [f.messageId, f.tenantId, f.sessionId],
  );
  return exists[0] ? 'streaming' : 'missing';
}

export type MarkGoodOutcome = { good: boolean } | 'missing' | { notFinished: string };

/** Marks (or unmarks) an answer of this tenant; only complete answers can be marked good. */
export async function markAnswerGood(db: Db, tenantId: string, messageId: string, good: boolean): Promise<MarkGoodOutcome> {
  const rows = await db.query<{ marked_good: boolean }>(
    `update messages set marked_good = $3
      where tenant_id = $1 and id = $2 and role = 'assistant' and (status = 'complete' or not $3)
      returning marked_good`,
    [tenantId, messageId, good],
  );
  if (rows[0]) return { good: rows[0].marked_good };
  const existing = await db.query<{ status: string }>(`select status from messages where tenant_id = $1 and id = $2 and role = 'assistant'`, [tenantId, messageId]);
  return existing[0] ? { notFinished: existing[0].status } : 'missing';
}

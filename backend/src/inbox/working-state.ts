import type { ConversationStatus } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * What staff change in a conversation's working state by hand (status, assignee, snooze) and how
 * far each of them has read it. What messages and handoffs change, and giving a conversation its
 * state row (ensureConversation), is conversations/working-state.ts.
 * Every query filters by tenant.
 */

/** True when the account is staff of this tenant (an assignee must be). */
export async function isTeamMember(db: Db, tenantId: string, accountId: string): Promise<boolean> {
  const rows = await db.query('select 1 from staff_accounts where tenant_id = $1 and id = $2', [tenantId, accountId]);
  return rows.length > 0;
}

export interface WorkingStateChange {
  status?: ConversationStatus | undefined;
  /** null unassigns; undefined leaves it. */
  assigneeId?: string | null | undefined;
  /** With status 'snoozed': until when; null: until the visitor's next message. */
  snoozedUntil?: string | null | undefined;
}

/**
 * Applies a change made by staff. It is not activity (updated_at stays): the inbox keeps its order
 * when a conversation is assigned or resolved. Leaving "snoozed" forgets the snooze time.
 */
export async function changeWorkingState(db: Db, scope: { tenantId: string; sessionId: string }, change: WorkingStateChange): Promise<void> {
  await db.query(
    `update conversation_states
        set status = coalesce($3, status),
            snoozed_until = case when coalesce($3, status) = 'snoozed' then (case when $3::text is null then snoozed_until else $4::timestamptz end) end,
            assignee_id = case when $5 then $6 else assignee_id end
      where tenant_id = $1 and session_id = $2`,
    [scope.tenantId, scope.sessionId, change.status ?? null, change.snoozedUntil ?? null, change.assigneeId !== undefined, change.assigneeId ?? null],
  );
}

/** The staff member has read the conversation up to now: its visitor messages so far are no longer unread for them. */
export async function markRead(db: Db, scope: { tenantId: string; sessionId: string; accountId: string }): Promise<void> {
  await db.query(
    `insert into staff_read_markers (tenant_id, account_id, session_id, read_at) values ($1, $2, $3, clock_timestamp())
     on conflict (tenant_id, account_id, session_id) do update set read_at = greatest(staff_read_markers.read_at, excluded.read_at)`,
    [scope.tenantId, scope.accountId, scope.sessionId],
  );
}

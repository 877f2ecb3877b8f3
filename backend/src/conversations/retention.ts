import type { Db } from '../db/db.js';

/** A conversation the retention sweep claimed for deletion. */
export interface ExpiredConversation {
  tenantId: string;
  sessionId: string;
}

/**
 * Claims up to `limit` conversations of tenants with a retention period that have been quiet for
 * longer: no visitor activity (last_seen_at) and no message since the cutoff, so one a staff member
 * is still answering stays. Run inside the transaction that erases them: the rows stay locked
 * until it ends, and another sweeper (another instance) skips them instead of waiting or deleting twice.
 */
export async function claimExpiredConversations(tx: Db, limit: number): Promise<ExpiredConversation[]> {
  const rows = await tx.query<{ tenant_id: string; id: string }>(
    `select s.tenant_id, s.id
       from sessions s
       join tenants t on t.id = s.tenant_id
      where t.conversation_retention_days is not null
        and s.last_seen_at < now() - make_interval(days => t.conversation_retention_days)
        and not exists (
          select 1 from messages m
           where m.tenant_id = s.tenant_id and m.session_id = s.id
             and m.created_at >= now() - make_interval(days => t.conversation_retention_days))
      order by s.last_seen_at, s.id
      limit $1
      for update of s skip locked`,
    [limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, sessionId: r.id }));
}

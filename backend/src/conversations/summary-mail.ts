import type { Db } from '../db/db.js';

/**
 * Which conversations are owed a summary mail (sessions.summary_sent_at): the scheduler claims the
 * quiet ones, and a summary sent on request marks its session too.
 */

/** Sessions claimed per scan: a backlog drains over a few scans instead of one long burst. */
const MAX_CLAIMS_PER_SCAN = 50;

export interface ClaimedSession {
  id: string;
  tenant_id: string;
}

/**
 * Claims sessions quiet for at least `inactivityMinutes` since their last message, with at least one
 * finished answer, not summarised since that message, and someone to mail (a verified customer or
 * a tenant summary address; the settings decide exactly who). The UPDATE re-checks its condition
 * on the locked row, so when two processes scan at once each session is claimed by one of them.
 * The scan spans tenants by design; every join and the update itself match on tenant_id.
 */
export async function claimQuietSessions(db: Db, inactivityMinutes: number): Promise<ClaimedSession[]> {
  return db.query<ClaimedSession>(
    `with quiet as (
       select s.id, s.tenant_id, max(m.created_at) as last_message_at
         from sessions s
         join messages m on m.tenant_id = s.tenant_id and m.session_id = s.id
         join tenants t on t.id = s.tenant_id
         left join customers c on c.id = s.customer_id and c.tenant_id = s.tenant_id
        where c.email_verified_at is not null
           or jsonb_typeof(t.customer_settings -> 'summaryEmails' -> 'tenantAddress') = 'string'
        group by s.id, s.tenant_id, s.summary_sent_at
       having max(m.created_at) <= now() - make_interval(mins => $1::int)
          and (s.summary_sent_at is null or s.summary_sent_at < max(m.created_at))
          and bool_or(m.role = 'assistant' and m.status = 'complete')
        order by max(m.created_at)
        limit $2
     )
     update sessions s set summary_sent_at = now()
       from quiet q
      where s.id = q.id and s.tenant_id = q.tenant_id
        and (s.summary_sent_at is null or s.summary_sent_at < q.last_message_at)
     returning s.id, s.tenant_id`,
    [inactivityMinutes, MAX_CLAIMS_PER_SCAN],
  );
}

/** Records that this session's summary went out (it is not claimed again until a newer message). */
export async function markSummarised(db: Db, tenantId: string, sessionId: string): Promise<void> {
  await db.query('update sessions set summary_sent_at = now() where tenant_id = $1 and id = $2', [tenantId, sessionId]);
}

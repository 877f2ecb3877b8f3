import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { sendConversationSummary, type SummaryDeps } from './conversation-summary.js';

/** Sessions claimed per scan: a backlog drains over a few scans instead of one long burst. */
const MAX_CLAIMS_PER_SCAN = 50;

export interface SummarySchedulerOptions extends SummaryDeps {
  log: Logger;
  config: { summaries: { inactivityMinutes: number; scanIntervalMs: number } };
}

export interface SummaryScheduler {
  /** One scan now: claims the quiet sessions and sends their summaries; resolves with the sessions claimed. */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a scan in progress. */
  stop(): Promise<void>;
}

interface ClaimedSession {
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
async function claimQuietSessions(db: Db, inactivityMinutes: number): Promise<ClaimedSession[]> {
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

/**
 * Every scanIntervalMs, emails an automatic summary of each conversation that went quiet. A
 * session is claimed before its mail goes out: a failed send is recorded (email_events) and not
 * retried, so a broken relay never turns into a mail storm. Off when inactivityMinutes is 0.
 */
export function startSummaryScheduler(options: SummarySchedulerOptions): SummaryScheduler {
  const { db, log, config } = options;
  const { inactivityMinutes, scanIntervalMs } = config.summaries;
  let running: Promise<number> | undefined;

  const runOnce = (): Promise<number> =>
    (running ??= scan().finally(() => {
      running = undefined;
    }));

  async function scan(): Promise<number> {
    const claimed = await claimQuietSessions(db, inactivityMinutes);
    for (const session of claimed) {
      try {
        await sendConversationSummary(options, { tenantId: session.tenant_id, sessionId: session.id, kind: 'auto_summary' });
      } catch (err) {
        log.error('automatic summary failed', { tenantId: session.tenant_id, sessionId: session.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return claimed.length;
  }

  if (inactivityMinutes === 0) return { runOnce: async () => 0, stop: async () => {} };
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => log.error('summary scan failed', { error: err instanceof Error ? err.message : String(err) }));
  }, scanIntervalMs);
  // A pending scan must not keep a process (or a test run) alive.
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

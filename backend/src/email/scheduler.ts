import type { Logger } from '../logger.js';
import { startPeriodicTask, type PeriodicTask } from '../periodic.js';
import { claimQuietSessions } from '../conversations/summary-mail.js';
import { sendConversationSummary, type SummaryDeps } from './conversation-summary.js';

export interface SummarySchedulerOptions extends SummaryDeps {
  log: Logger;
  config: { summaries: { inactivityMinutes: number; scanIntervalMs: number } };
}

/** One scan now claims the quiet sessions and sends their summaries; it resolves with the sessions claimed. */
export type SummaryScheduler = PeriodicTask<number>;

/**
 * Every scanIntervalMs, emails an automatic summary of each conversation that went quiet. A
 * session is claimed before its mail goes out: a failed send is recorded (email_events) and not
 * retried, so a broken relay never turns into a mail storm. Off when inactivityMinutes is 0.
 */
export function startSummaryScheduler(options: SummarySchedulerOptions): SummaryScheduler {
  const { db, log, config } = options;
  const { inactivityMinutes, scanIntervalMs } = config.summaries;
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
  return startPeriodicTask({ run: scan, everyMs: scanIntervalMs, log, failure: { message: 'summary scan failed' } });
}

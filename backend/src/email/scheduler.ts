import type { Logger } from '../logger.js';
import { claimQuietSessions } from '../conversations/summary-mail.js';
import { sendConversationSummary, type SummaryDeps } from './conversation-summary.js';

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

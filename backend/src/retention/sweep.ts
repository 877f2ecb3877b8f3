import { claimExpiredConversations, type ExpiredConversation } from '../conversations/retention.js';
import { eraseConversations } from '../customers/data-rights.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { startPeriodicTask, type PeriodicTask } from '../periodic.js';

/** Conversations erased per transaction: small enough that a sweep never holds many locks for long. */
const BATCH_SIZE = 100;
/** Long enough that start-up (migrations, seeding) is done, short enough that a restart loop does not starve the sweep. */
const FIRST_SWEEP_DELAY_MS = 60_000;

export interface RetentionSweepOptions {
  db: Db;
  log: Logger;
  /** How often the sweep runs; retention is counted in days, so hourly is plenty. */
  intervalMs: number;
}

/** One sweep now runs until nothing is left to delete; it resolves with the conversations this sweeper erased. */
export type RetentionSweep = PeriodicTask<number>;

/**
 * Deletes the conversations each tenant's retention period says to, in batches, each batch one
 * transaction that claims its sessions with FOR UPDATE SKIP LOCKED: sweepers on several instances
 * share the work, none waits for another or erases a conversation twice.
 */
export function startRetentionSweep(options: RetentionSweepOptions): RetentionSweep {
  const { db, log } = options;
  return startPeriodicTask({
    run: async () => {
      const erased = await sweep(db);
      if (erased > 0) log.info('retention sweep deleted conversations', { erased });
      return erased;
    },
    everyMs: options.intervalMs,
    // A first sweep soon after start: instances redeployed more often than the interval still sweep.
    firstAfterMs: Math.min(FIRST_SWEEP_DELAY_MS, options.intervalMs),
    log,
    failure: { message: 'retention sweep failed' },
  });
}

/** Erases batch after batch until a batch comes back short. */
export async function sweep(db: Db, batchSize = BATCH_SIZE): Promise<number> {
  let erased = 0;
  for (;;) {
    const batch = await eraseOneBatch(db, batchSize);
    erased += batch;
    if (batch < batchSize) return erased;
  }
}

async function eraseOneBatch(db: Db, batchSize: number): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = await claimExpiredConversations(tx, batchSize);
    for (const [tenantId, sessionIds] of byTenant(claimed)) await eraseConversations(tx, tenantId, sessionIds);
    return claimed.length;
  });
}

function byTenant(claimed: readonly ExpiredConversation[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { tenantId, sessionId } of claimed) groups.set(tenantId, [...(groups.get(tenantId) ?? []), sessionId]);
  return groups;
}

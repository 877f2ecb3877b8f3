import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { startPeriodicTask, type PeriodicTask } from '../periodic.js';
import { forgetErasures, pendingErasures } from './repository.js';
import type { AttachmentStorage } from './storage.js';

/** Files removed per round: one storage call each way, and a bounded list in memory. */
const BATCH_SIZE = 100;

/**
 * Removes the files whose attachment rows were deleted: a customer erased, the retention sweep, a
 * session or tenant deleted (every path cascades to the attachments table, whose trigger records
 * the key). The file goes first and the record after, so a crash in between only repeats a remove,
 * which storage treats as done. Resolves with how many files were removed.
 */
export async function removeErasedFiles(deps: { db: Db; storage: AttachmentStorage }): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await pendingErasures(deps.db, BATCH_SIZE);
    if (batch.length === 0) return removed;
    await deps.storage.remove(batch.map((e) => e.storageKey));
    await forgetErasures(deps.db, batch);
    removed += batch.length;
    if (batch.length < BATCH_SIZE) return removed;
  }
}

/** One round now resolves with the files removed. */
export type ErasureWorker = PeriodicTask<number>;

/** Runs removeErasedFiles every `intervalMs`; a failure is logged and retried next round. */
export function startErasureWorker(deps: { db: Db; storage: AttachmentStorage; log: Logger; intervalMs: number }): ErasureWorker {
  return startPeriodicTask({
    run: () => removeErasedFiles(deps),
    everyMs: deps.intervalMs,
    log: deps.log,
    failure: { message: 'could not remove erased attachment files', level: 'warn' },
  });
}

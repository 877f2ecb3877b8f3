import type { UIStreamChunk } from '@prex/protocol';
import { answerTopic, type ConversationBus } from '../bus/index.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { ANSWER_LEASE_MS, appendAnswerChunks, releaseAnswerLease } from '../conversations/messages.js';
import type { LiveAnswer } from './hub.js';
import { STOP_REASON } from './run-answer.js';

/** Chunks are written in batches: at most this long after the first chunk of a batch. */
const FLUSH_AFTER_MS = 100;
/** The lease is renewed this often even while the model is silent (well within ANSWER_LEASE_MS). */
const RENEW_EVERY_MS = ANSWER_LEASE_MS / 4;

export interface AnswerLogDeps {
  db: Db;
  bus: ConversationBus;
  log: Logger;
  leaseMs?: number;
}

/**
 * Persists a live answer's chunks as it streams (batched), so that any instance can serve it while
 * it runs and a crash loses at most the last batch; tells the bus after each batch, so followers
 * on other instances read on at once; renews the answer's lease while it runs, and gives it up when
 * the run ends. The final write (status, sources, full log) stays the run's own (run-answer.ts).
 */
export function persistAsItStreams(deps: AnswerLogDeps, live: LiveAnswer): void {
  const { db, bus, log } = deps;
  const leaseMs = deps.leaseMs ?? ANSWER_LEASE_MS;
  const scope = { tenantId: live.tenantId, messageId: live.messageId };
  let pending: UIStreamChunk[] = [];
  let stored = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  // One write at a time, in order: a batch never overtakes the one before it.
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const chunks = pending;
    pending = [];
    const text = live.textSoFar;
    writing = writing.then(async () => {
      try {
        await appendAnswerChunks(db, { ...scope, chunks, text, leaseMs });
        stored += chunks.length;
        if (chunks.length > 0) await bus.publish(answerTopic(live.messageId), { kind: 'answer-progress', messageId: live.messageId, seq: stored });
      } catch (error) {
        // The final write still stores the whole log; followers meanwhile wait on the lease.
        log.warn('could not store an answer batch', { messageId: live.messageId, error: error instanceof Error ? error.message : String(error) });
      }
    });
    return writing;
  };

  const renew = setInterval(() => void flush(), RENEW_EVERY_MS);
  renew.unref();
  const stopListening = bus.subscribe(answerTopic(live.messageId), (event) => {
    if (event.kind === 'answer-stop') live.controller.abort(STOP_REASON.user);
  });

  live.subscribe(0, {
    chunk: ({ chunk }) => {
      pending.push(chunk);
      flushTimer ??= setTimeout(() => void flush(), FLUSH_AFTER_MS);
    },
    end: () => {
      clearInterval(renew);
      stopListening();
      clearTimeout(flushTimer);
      const announceEnd = () => bus.publish(answerTopic(live.messageId), { kind: 'answer-end', messageId: live.messageId });
      // The final write holds the whole log and gave up the lease: nothing is left to store, followers are told.
      if (live.finalStored) {
        void writing.then(announceEnd).catch((error: unknown) => log.warn('could not announce an answer end', { messageId: live.messageId, error: String(error) }));
        return;
      }
      // The final write failed: the last batch still lands (a batch cannot touch a finished
      // answer), the lease goes so a reader settles it at once, and followers are told.
      void flush()
        .then(() => releaseAnswerLease(db, scope))
        .then(announceEnd)
        .catch((error: unknown) => log.warn('could not release an answer', { messageId: live.messageId, error: String(error) }));
    },
  });
}

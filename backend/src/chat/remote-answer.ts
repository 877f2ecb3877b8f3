import type { MessageStatus } from '@prex/protocol';
import { answerTopic, type ConversationBus } from '../bus/index.js';
import { oneReaderAtATime } from '../bus/one-reader.js';
import type { Db } from '../db/db.js';
import { readAnswerProgress, type StoredMessage } from '../conversations/messages.js';
import type { SseResponse } from '../http/sse.js';
import { endingOwed } from './stored-tail.js';

/**
 * How often a follower reads the answer even without a word from the bus: a lost notification
 * (a reconnecting LISTEN connection) delays a resume by at most this, and a dead instance's lease
 * is noticed this soon after it runs out.
 */
export const FOLLOW_POLL_MS = 1_000;

/** An answer streaming on another instance: known here only through the database and the bus. */
export class RemoteAnswer {
  constructor(readonly message: StoredMessage) {}

  get messageId(): string {
    return this.message.id;
  }
}

export interface FollowDeps {
  db: Db;
  bus: ConversationBus;
  /** Settles the answer when its instance died (lease ran out); true when it is now finished. */
  settleIfAbandoned(): Promise<boolean>;
}

/**
 * Streams an answer that runs on another instance: what is stored after `afterSeq`, then each new
 * batch as the bus announces it (or the poll finds it), until the answer is finished — or its
 * instance dies, when it is settled and the error chunk ends the stream. Ids are the log's
 * positions, so they continue from the cursor and never go backwards.
 */
export function followRemoteAnswer(deps: FollowDeps, sse: SseResponse, answer: RemoteAnswer, afterSeq: number): void {
  const scope = { tenantId: answer.message.tenantId, messageId: answer.messageId };
  let sent = afterSeq;
  let over = false;

  const finish = () => {
    over = true;
    stop();
    sse.done(sent);
  };

  /** Reads and sends what is new; true when the answer was just settled and must be read again. */
  async function readOnce(): Promise<boolean> {
    const progress = await readAnswerProgress(deps.db, scope, sent);
    if (!progress) {
      finish();
      return false;
    }
    for (const chunk of progress.chunks) sse.writeChunk({ seq: ++sent, chunk });
    if (progress.status !== 'streaming') {
      // A client ahead of the stored log (its instance died before storing what it showed)
      // still learns how the answer ended, under the next id.
      if (progress.chunks.length === 0 && endingOwed(progress.last, sent, progress.lastSeq)) sse.writeChunk({ seq: ++sent, chunk: progress.last });
      finish();
      return false;
    }
    return !progress.leaseHeld && (await deps.settleIfAbandoned());
  }
  const pump = oneReaderAtATime(readOnce, () => over);

  const unsubscribe = deps.bus.subscribe(answerTopic(answer.messageId), () => void pump());
  const poll = setInterval(() => void pump(), FOLLOW_POLL_MS);
  function stop(): void {
    unsubscribe();
    clearInterval(poll);
  }
  sse.onClose(() => {
    over = true;
    stop();
  });
  void pump();
}

/** Asks the answer's instance to stop it, and waits (bounded) until it is stored as finished. */
export async function stopRemoteAnswer(deps: { db: Db; bus: ConversationBus }, answer: RemoteAnswer, waitMs: number): Promise<MessageStatus> {
  const scope = { tenantId: answer.message.tenantId, messageId: answer.messageId };
  const finished = new Promise<MessageStatus>((resolve) => {
    const check = async () => {
      const progress = await readAnswerProgress(deps.db, scope, Number.MAX_SAFE_INTEGER).catch(() => undefined);
      if (progress && progress.status !== 'streaming') {
        cleanup();
        resolve(progress.status);
      }
    };
    const unsubscribe = deps.bus.subscribe(answerTopic(answer.messageId), (event) => {
      if (event.kind === 'answer-end') void check();
    });
    const poll = setInterval(() => void check(), FOLLOW_POLL_MS);
    const timer = setTimeout(() => {
      cleanup();
      resolve('streaming');
    }, waitMs);
    function cleanup(): void {
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
    }
  });
  await deps.bus.publish(answerTopic(answer.messageId), { kind: 'answer-stop', messageId: answer.messageId });
  return finished;
}

import { conversationTopic, type ConversationBus } from '../bus/index.js';
import { oneReaderAtATime } from '../bus/one-reader.js';
import type { Db } from '../db/db.js';
import type { SseResponse } from '../http/sse.js';
import { EVENTS_PAGE, readConversationEvents, type ConversationScope } from './event-log.js';

/**
 * How often a stream reads the log without a word from the bus. Lost notifications are repaired
 * by the bus's resync, not by this: it is a last guard against a failure nobody foresaw, so it is
 * slow — a widget's stream is open for as long as the page, and 300 idle streams read 5 times a
 * second at this rate (they read 60 times a second at 5 s).
 */
export const CONVERSATION_POLL_MS = 60_000;
const RESYNC_SPREAD_MS = 1_000;

export interface EventStreamDeps {
  db: Db;
  bus: ConversationBus;
  pollMs?: number | undefined;
}

/**
 * Streams a conversation's events after `afterSeq` until the client leaves: what the log holds,
 * then each new event as the bus announces it (or a resync or the poll finds it), with the log's seq as the
 * SSE id; staff typing passes straight through, without an id. The stream never ends by itself.
 */
export function streamConversationEvents(deps: EventStreamDeps, sse: SseResponse, scope: ConversationScope, afterSeq: number): void {
  let sent = afterSeq;

  /** Sends what is new; true when a full page came back and more may be waiting. */
  async function readOnce(): Promise<boolean> {
    const events = await readConversationEvents(deps.db, scope, sent);
    for (const { seq, event } of events) {
      // A gone message still uses up its seq: the cursor moves past it.
      if (event) sse.writeEvent(event, seq);
      sent = seq;
    }
    return events.length >= EVENTS_PAGE;
  }
  const pump = oneReaderAtATime(readOnce, () => sse.closed);

  const unsubscribe = deps.bus.subscribe(conversationTopic(scope.tenantId, scope.sessionId), (event) => {
    if (event.kind === 'staff-typing') sse.writeEvent({ type: 'staff-typing', ...(event.name ? { name: event.name } : {}) });
    else if (event.kind === 'conversation-event' && event.seq > sent) void pump();
  });
  // Every open stream of the instance resyncs at once: spread their reads over a second.
  const unsubscribeResync = deps.bus.onResync(() => setTimeout(() => void pump(), Math.random() * RESYNC_SPREAD_MS).unref());
  const poll = setInterval(() => void pump(), deps.pollMs ?? CONVERSATION_POLL_MS);
  poll.unref();
  sse.onClose(() => {
    unsubscribe();
    unsubscribeResync();
    clearInterval(poll);
  });
  void pump();
}

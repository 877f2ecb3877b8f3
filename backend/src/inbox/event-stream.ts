import type { InboxStreamEvent } from '@prex/protocol';
import { inboxTopic, type BusEvent, type ConversationBus } from '../bus/index.js';
import type { SseResponse } from '../http/sse.js';

/** The inbox's wire event for a bus event of the tenant's inbox topic; undefined for any other kind. */
function toStreamEvent(event: BusEvent): InboxStreamEvent | undefined {
  if (event.kind === 'inbox-changed') return { type: 'conversation-changed', sessionId: event.sessionId };
  if (event.kind === 'inbox-typing') {
    return { type: 'staff-typing', sessionId: event.sessionId, ...(event.name ? { name: event.name } : {}), ...(event.accountId ? { accountId: event.accountId } : {}) };
  }
  return undefined;
}

/**
 * Streams which conversations of the tenant change, until the client leaves. Nothing is stored or
 * replayed: an event names a conversation and the console reads it again, and a console that
 * (re)connects reads the list first. The topic holds one tenant's events only.
 */
export function streamInboxEvents(bus: ConversationBus, sse: SseResponse, tenantId: string): void {
  const unsubscribe = bus.subscribe(inboxTopic(tenantId), (event) => {
    const out = toStreamEvent(event);
    if (out) sse.writeEvent(out);
  });
  // Changes may have gone unheard: the console reads the list (and the open thread) again.
  const unsubscribeResync = bus.onResync(() => sse.writeEvent({ type: 'resync' } satisfies InboxStreamEvent));
  sse.onClose(() => {
    unsubscribe();
    unsubscribeResync();
  });
}

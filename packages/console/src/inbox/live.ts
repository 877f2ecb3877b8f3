import { signal } from '@preact/signals';
import { STAFF_INBOX_ROUTES } from '@prex/protocol/wire';
import type { InboxStreamEvent } from '@prex/protocol';
import { session } from '../auth.js';
import { conversationChanged, refreshList, staffTyping } from './store.js';

/** 'live' while the tenant's event stream is open; 'reconnecting' after a drop (EventSource retries by itself). */
export const liveState = signal<'connecting' | 'live' | 'reconnecting'>('connecting');

/**
 * Follows GET /v1/staff/inbox-events: every change of any conversation of the tenant makes the
 * list (and the open thread, when it is the one) read again. The stream carries no history, so
 * each (re)connection reads the list first: whatever happened while disconnected shows up.
 * Returns a function that closes the stream.
 */
export function followInbox(): () => void {
  const source = new EventSource(STAFF_INBOX_ROUTES.events, { withCredentials: true });
  source.onopen = () => {
    liveState.value = 'live';
    void refreshList();
  };
  source.onerror = () => {
    liveState.value = 'reconnecting';
    // CLOSED: the server refused the stream (the session ended): ask who we are again.
    if (source.readyState === EventSource.CLOSED) session.value = null;
  };
  source.onmessage = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as InboxStreamEvent;
    if (event.type === 'conversation-changed') conversationChanged(event.sessionId);
    else if (event.type === 'staff-typing') staffTyping(event.sessionId, event.name ?? 'A teammate');
  };
  return () => source.close();
}

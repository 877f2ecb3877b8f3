import { signal } from '@preact/signals';
import { STAFF_INBOX_ROUTES } from '@prex/protocol/wire';
import type { InboxStreamEvent } from '@prex/protocol';
import { loadSession, session } from '../auth.js';
import { conversationChanged, refreshList, resynced, staffTyping } from './store.js';

/** 'live' while the tenant's event stream is open; 'reconnecting' after a drop. */
export const liveState = signal<'connecting' | 'live' | 'reconnecting'>('connecting');

const ownId = () => session.value?.account.id;

/** After the server refused the stream (not a drop, which EventSource retries itself): 5 s, 10 s, … 60 s. */
const retryDelay = (attempt: number) => Math.min(60_000, 5_000 * 2 ** attempt);

/**
 * Follows GET /v1/staff/inbox-events: every change of any conversation of the tenant makes the
 * list (and the open thread, when it is the one) read again. The stream carries no history, so
 * each (re)connection reads the list first: whatever happened while disconnected shows up.
 * Returns a function that closes the stream.
 */
export function followInbox(): () => void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let refusals = 0;
  let stopped = false;

  const connect = () => {
    source = new EventSource(STAFF_INBOX_ROUTES.events, { withCredentials: true });
    source.onopen = () => {
      refusals = 0;
      liveState.value = 'live';
      void refreshList();
    };
    source.onerror = () => {
      liveState.value = 'reconnecting';
      if (source?.readyState !== EventSource.CLOSED) return;
      // Refused outright (EventSource gives up on a non-200): ask the server whether the session
      // ended (then the sign-in page shows); otherwise try again later.
      void loadSession().finally(() => {
        if (stopped || !session.value) return;
        retry = setTimeout(connect, retryDelay(refusals++));
      });
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as InboxStreamEvent;
      if (event.type === 'conversation-changed') conversationChanged(event.sessionId);
      else if (event.type === 'resync') resynced();
      // Our own typing notices come back too: show only the others'.
      else if (event.type === 'staff-typing' && event.accountId !== ownId()) staffTyping(event.sessionId, event.name ?? 'A teammate');
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}

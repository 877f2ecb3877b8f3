import { ROUTES, type ConversationStreamEvent } from '@prex/protocol';
import type { Visitor } from './chat.js';
import { BackgroundSseReader } from './sse-reader.js';

/** One event of the conversation stream as received: its SSE id (none for ephemeral ones) and data. */
export interface ReceivedEvent {
  id: number | undefined;
  event: ConversationStreamEvent;
}

export function openConversationEvents(v: Visitor, cursor: { lastEventId?: number; after?: string } = {}, signal?: AbortSignal): Promise<Response> {
  const query = cursor.after !== undefined ? `?after=${encodeURIComponent(cursor.after)}` : '';
  const headers = cursor.lastEventId !== undefined ? { ...v.headers, 'last-event-id': String(cursor.lastEventId) } : v.headers;
  return fetch(`${v.url}${ROUTES.conversationEvents}${query}`, { headers, ...(signal ? { signal } : {}) });
}

/**
 * Reads a conversation event stream in the background, as the widget does; `until` waits for what
 * has arrived to satisfy a condition (the stream never ends by itself). `drop` cuts the connection.
 */
export class ConversationEventReader extends BackgroundSseReader<ReceivedEvent> {
  static async open(v: Visitor, cursor: { lastEventId?: number } = {}): Promise<ConversationEventReader> {
    const reader = new ConversationEventReader();
    const res = await openConversationEvents(v, cursor, reader.signal);
    if (res.status !== 200) throw new Error(`GET ${ROUTES.conversationEvents} → ${res.status} ${await res.text()}`);
    reader.start(res, 'conversation stream', (message) => ({
      id: message.id === undefined ? undefined : Number(message.id),
      event: JSON.parse(message.data) as ConversationStreamEvent,
    }));
    return reader;
  }

  /** The id of the last event received that had one (what a client sends as Last-Event-ID). */
  get lastId(): number {
    return this.received.reduce((last, r) => r.id ?? last, 0);
  }

  drop(): void {
    this.close();
  }
}

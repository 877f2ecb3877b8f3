import { ROUTES, type ConversationStreamEvent } from '@prex/protocol';
import type { Visitor } from './chat.js';

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
export class ConversationEventReader {
  readonly received: ReceivedEvent[] = [];
  private readonly controller = new AbortController();
  private changed: () => void = () => undefined;
  private ended: Error | undefined;

  static async open(v: Visitor, cursor: { lastEventId?: number } = {}): Promise<ConversationEventReader> {
    const reader = new ConversationEventReader();
    const res = await openConversationEvents(v, cursor, reader.controller.signal);
    if (res.status !== 200) throw new Error(`GET ${ROUTES.conversationEvents} → ${res.status} ${await res.text()}`);
    void reader.read(res);
    return reader;
  }

  /** The id of the last event received that had one (what a client sends as Last-Event-ID). */
  get lastId(): number {
    return this.received.reduce((last, r) => r.id ?? last, 0);
  }

  async until(done: (received: ReceivedEvent[]) => boolean): Promise<ReceivedEvent[]> {
    while (!done(this.received)) {
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.changed = resolve));
    }
    return this.received;
  }

  drop(): void {
    this.controller.abort();
  }

  private async read(res: Response): Promise<void> {
    let buffer = '';
    try {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the conversation stream ended');
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.changed();
      }
    } catch (error) {
      this.ended = error instanceof Error ? error : new Error(String(error));
      this.changed();
    }
  }

  private parse(block: string): void {
    let id: number | undefined;
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (data !== undefined) this.received.push({ id, event: JSON.parse(data) as ConversationStreamEvent });
  }
}

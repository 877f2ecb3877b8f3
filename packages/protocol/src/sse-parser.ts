/**
 * Server-sent events, parsed from text as the WHATWG EventSource algorithm does, without the
 * connection handling: lines end with CRLF, LF or CR; `field: value` lines build an event; a blank
 * line dispatches it; lines starting with `:` are comments (a server's heartbeat). Zero
 * dependencies, so every Prex client (browser, Node, tests) splits events the same way.
 */

/** One dispatched event. */
export interface SseMessage {
  /** The event's own `id:` field, if it had one (the answer stream numbers every chunk by it). */
  id: string | undefined;
  /** The `event:` field, if any (Prex streams use the default type). */
  event: string | undefined;
  /** Its `data:` lines joined with `\n`. */
  data: string;
}

export interface SseParser {
  /** Feeds decoded text, cut anywhere (mid-line, mid-field). */
  feed(text: string): void;
  /** The source ended: an event without its closing blank line is dropped, as EventSource does. */
  end(): void;
}

const LINE_END = /\r\n|\r|\n/;

/**
 * `id` is per event, not the spec's sticky "last event id": a reader that resumes needs to know
 * which events carried a sequence number (the conversation stream's ephemeral events carry none).
 */
export function createSseParser(onMessage: (message: SseMessage) => void, onComment?: (text: string) => void): SseParser {
  let pending = '';
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;

  const line = (text: string) => {
    if (text === '') {
      if (data.length) onMessage({ id, event, data: data.join('\n') });
      data = [];
      id = event = undefined;
      return;
    }
    if (text[0] === ':') return onComment?.(text.slice(1).replace(/^ /, ''));
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    // `retry` and unknown fields: nothing a Prex client acts on.
  };

  return {
    feed(text) {
      pending += text;
      // A CR at the very end may be the first half of a CRLF: keep it until the next feed.
      const held = pending.endsWith('\r');
      const lines = (held ? pending.slice(0, -1) : pending).split(LINE_END);
      pending = lines.pop()! + (held ? '\r' : '');
      lines.forEach(line);
    },
    end() {
      // A held CR ended its line after all.
      if (pending.endsWith('\r')) line(pending.slice(0, -1));
      pending = '';
    },
  };
}

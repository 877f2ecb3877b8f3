import { createSseParser, type SseMessage } from './sse-parser.js';

/** What a stream is read from: a fetch Response (its body) or the bytes themselves. */
export type ByteSource = Response | ReadableStream<Uint8Array>;

export interface SseReadOptions {
  /** Called with each comment line (`: ping`), e.g. to see a server's heartbeats. */
  onComment?: (text: string) => void;
}

/**
 * Yields the SSE events of `source` as they arrive, decoding UTF-8 across chunk boundaries.
 * Stopping early (break, return, a throw) cancels the body, which closes the connection; a
 * network error while reading is thrown to the consumer.
 */
export async function* readSseMessages(source: ByteSource, options: SseReadOptions = {}): AsyncGenerator<SseMessage, void, undefined> {
  // Duck-typed: a stream from another realm (a test DOM, a polyfill) is read the same way.
  const body = 'getReader' in source ? source : source.body;
  if (!body) throw new TypeError('the response has no body to read events from');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const arrived: SseMessage[] = [];
  const parser = createSseParser((message) => arrived.push(message), options.onComment);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        parser.feed(decoder.decode());
        parser.end();
      } else parser.feed(decoder.decode(value, { stream: true }));
      yield* arrived.splice(0);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

import type { UIStreamChunk } from './stream.js';
import { readSseMessages, type ByteSource, type SseReadOptions } from './sse-reader.js';
import { STREAM_DONE } from './wire.js';

/**
 * One event of an answer stream: a chunk, or the closing `[DONE]`. `seq` is the event's SSE id,
 * the chunk's position in the answer (from 1): what a client sends back as Last-Event-ID to resume.
 */
export type AnswerStreamEvent =
  | { seq: number | undefined; chunk: UIStreamChunk; done?: undefined }
  | { seq: number | undefined; done: true; chunk?: undefined };

export interface AnswerReadOptions extends SseReadOptions {
  /**
   * Checks a chunk's JSON (a caller reading another server's stream passes the zod schema here;
   * this entry stays zod-free for the widget). Undefined skips the chunk. Default: trusted as is.
   */
  parse?: (json: unknown) => UIStreamChunk | undefined;
}

/**
 * Yields the events of an answer stream (POST /v1/chat, or a resume). Data that is not JSON, or
 * that `parse` refuses, is skipped: a newer server's chunk types must not break an older client.
 * `[DONE]` is the last event a Prex server sends: break there to close the connection, or read on
 * to the body's end so a keep-alive connection can be reused. A stream that ends without `[DONE]`
 * just ends; the caller decides whether to resume.
 */
export async function* readAnswerStream(source: ByteSource, options: AnswerReadOptions = {}): AsyncGenerator<AnswerStreamEvent, void, undefined> {
  for await (const message of readSseMessages(source, options)) {
    const seq = message.id ? Number(message.id) : NaN;
    const event = { seq: Number.isInteger(seq) ? seq : undefined };
    if (message.data === STREAM_DONE) {
      yield { ...event, done: true };
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(message.data);
    } catch {
      continue;
    }
    const chunk = options.parse ? options.parse(json) : (json as UIStreamChunk);
    if (chunk) yield { ...event, chunk };
  }
}

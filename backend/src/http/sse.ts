import type { Response } from 'express';
import { STREAM_DONE, UI_MESSAGE_STREAM_HEADER, UI_MESSAGE_STREAM_VERSION, type SequencedChunk } from '@prex/protocol';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: compression proxies must not buffer the stream.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
  [UI_MESSAGE_STREAM_HEADER]: UI_MESSAGE_STREAM_VERSION,
};

export const formatChunkEvent = ({ seq, chunk }: SequencedChunk): string => `id: ${seq}\ndata: ${JSON.stringify(chunk)}\n\n`;
export const formatDoneEvent = (lastSeq: number): string => `id: ${lastSeq}\ndata: ${STREAM_DONE}\n\n`;
export const HEARTBEAT = ': ping\n\n';

/**
 * One SSE response carrying an answer's chunks (or a conversation's events). Opening it sends the headers at once (the client
 * sees the stream start before the first chunk); heartbeats keep idle proxies from closing it;
 * a client that goes away only ends this response, never the answer.
 */
export class SseResponse {
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly closeHandlers: Array<() => void> = [];
  private finished = false;
  /** Events written in this tick, sent together when it ends (one socket write, one HTTP chunk). */
  private pending = '';

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
  ) {}

  open(): this {
    this.res.status(200).set(SSE_HEADERS);
    this.res.flushHeaders();
    // Small events should leave now, not wait for Nagle's algorithm to batch them.
    this.res.socket?.setNoDelay(true);
    this.heartbeat = setInterval(() => this.write(HEARTBEAT), this.heartbeatMs);
    this.heartbeat.unref();
    this.res.on('close', () => this.cleanUp());
    return this;
  }

  /** True once the stream ended or the client went away. */
  get closed(): boolean {
    return this.finished || this.res.writableEnded || this.res.destroyed;
  }

  /** Runs `handler` once when the response ends for any reason (done, client gone, shutdown). */
  onClose(handler: () => void): void {
    if (this.finished) handler();
    else this.closeHandlers.push(handler);
  }

  writeChunk(sequenced: SequencedChunk): void {
    this.write(formatChunkEvent(sequenced));
  }

  /**
   * Writes one event of another kind of stream (the conversation's): with an id when it may be
   * resumed after, without one when it is ephemeral (the client's Last-Event-ID stays where it was).
   */
  writeEvent(data: unknown, id?: number): void {
    this.write(`${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes the final `[DONE]` and ends the response. */
  done(lastSeq: number): void {
    this.write(formatDoneEvent(lastSeq));
    this.end();
  }

  /** Ends the response, with whatever this tick wrote before. */
  end(): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end(this.takePending());
    this.cleanUp();
  }

  /**
   * Queues `text` for the end of this tick: a run appends its chunks synchronously or from
   * microtasks (meta, text-start, a burst of deltas, sources, finish), and they leave in one write
   * instead of one write (and one HTTP chunk) each. Nothing waits for a later tick.
   */
  private write(text: string): void {
    if (this.closed) return;
    if (!this.pending) process.nextTick(() => this.flush());
    this.pending += text;
  }

  private flush(): void {
    const text = this.takePending();
    if (text && !this.closed) this.res.write(text);
  }

  private takePending(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }

  private cleanUp(): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.heartbeat);
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}

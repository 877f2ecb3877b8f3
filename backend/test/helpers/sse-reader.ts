import { readSseMessages, type SseMessage } from '@prex/protocol/client';

/**
 * An SSE stream read in the background, as a browser keeps one open: what arrived is in
 * `received`, `until` waits for it to satisfy a condition (these streams never end by themselves),
 * `close` cuts the connection. Parsed by the protocol's client, as the widget parses its streams.
 */
export class BackgroundSseReader<T> {
  readonly received: T[] = [];
  /** Aborts the request; pass `signal` to the fetch that opens the stream. */
  protected readonly controller = new AbortController();
  private changed: () => void = () => undefined;
  private ended: Error | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts reading `res` (a 200 event stream), keeping what `toItem` makes of each event. */
  protected start(res: Response, what: string, toItem: (message: SseMessage) => T): void {
    void this.read(res, what, toItem);
  }

  async until(done: (received: T[]) => boolean): Promise<T[]> {
    while (!done(this.received)) {
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.changed = resolve));
    }
    return this.received;
  }

  close(): void {
    this.controller.abort();
  }

  private async read(res: Response, what: string, toItem: (message: SseMessage) => T): Promise<void> {
    try {
      for await (const message of readSseMessages(res)) {
        this.received.push(toItem(message));
        this.changed();
      }
      throw new Error(`the ${what} ended`);
    } catch (error) {
      this.ended = error instanceof Error ? error : new Error(String(error));
      this.changed();
    }
  }
}

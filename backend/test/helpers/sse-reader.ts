import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';

/**
 * An SSE stream read in the background, as a browser keeps one open: what arrived is in
 * `received`, `until` waits for it to satisfy a condition (these streams never end by themselves),
 * `close` cuts the connection. Parsed by eventsource-parser, as the console parses its streams.
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
  protected start(res: Response, what: string, toItem: (message: EventSourceMessage) => T): void {
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

  private async read(res: Response, what: string, toItem: (message: EventSourceMessage) => T): Promise<void> {
    try {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the ${what} ended`);
        this.received.push(toItem(value));
        this.changed();
      }
    } catch (error) {
      this.ended = error instanceof Error ? error : new Error(String(error));
      this.changed();
    }
  }
}

/**
 * The SSE parser (eventsource-parser) is a lazy chunk: nothing is streamed before the visitor
 * asks (or an answer is restored), so the pane's first download does not carry it. The store
 * starts fetching it when the pane opens, well before the first question is sent.
 */
let parser: Promise<typeof import('eventsource-parser')> | undefined;

/** Fetches the parser once; a failed fetch is tried again on the next call. */
export const loadSseParser = () =>
  (parser ??= import('eventsource-parser').catch((e: unknown) => {
    parser = undefined;
    throw e;
  }));

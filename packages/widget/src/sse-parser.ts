/**
 * The SSE parser (@prex/protocol's, the one every Prex client uses) is a lazy chunk: nothing is
 * streamed before the visitor asks (or an answer is restored), so the pane's first download does
 * not carry it. The store starts fetching it when the pane opens, well before the first question
 * is sent. It comes from its own entry, `@prex/protocol/sse-parser`: imported from
 * `@prex/protocol/client` (where the store gets its reducer) it would join the pane's first chunk.
 */
let parser: Promise<typeof import('@prex/protocol/sse-parser')> | undefined;

/** Fetches the parser once; a failed fetch is tried again on the next call. */
export const loadSseParser = () =>
  (parser ??= import('@prex/protocol/sse-parser').catch((e: unknown) => {
    parser = undefined;
    throw e;
  }));

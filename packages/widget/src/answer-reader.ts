/**
 * The answer stream reader (`readAnswerStream` of @prex/protocol, the one every Prex client reads
 * answers with, SSE parser included) is a lazy chunk: nothing is streamed before the visitor asks
 * (or an answer is restored), so the pane's first download does not carry it. The store starts
 * fetching it when the pane opens, well before the first question is sent. It comes from its own
 * entry, `@prex/protocol/answer-reader`: imported from `@prex/protocol/client` (where the store
 * gets its reducer) it would join the pane's first chunk.
 */
let reader: Promise<typeof import('@prex/protocol/answer-reader')> | undefined;

/** Fetches the reader once; a failed fetch is tried again on the next call. */
export const loadAnswerReader = () =>
  (reader ??= import('@prex/protocol/answer-reader').catch((e: unknown) => {
    reader = undefined;
    throw e;
  }));

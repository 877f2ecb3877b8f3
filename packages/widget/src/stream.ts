import type { UIStreamChunk } from '@prex/protocol';
import { ApiError } from './api.js';
import { loadAnswerReader } from './answer-reader.js';

/**
 * Reads one answer's SSE stream (AI SDK UI message stream v1, `id: <seq>` on every event) with
 * `readAnswerStream` from @prex/protocol (bytes to chunks, as every Prex client reads them) and
 * survives drops, which that reader leaves to its caller: when the connection fails or ends before `[DONE]`, it reconnects to
 * GET /v1/chat/:messageId/stream with `Last-Event-ID: <last seq applied>` after a backoff (cut
 * short by the `online` event). Events with a seq at or below the last one applied are ignored,
 * so the text comes out exact: nothing lost, nothing repeated.
 */
export interface AnswerStreamOptions {
  /** Opens the first connection: POST /v1/chat, or a resume when restoring a live answer. */
  connect(signal: AbortSignal): Promise<Response>;
  /** Opens a resume connection after a drop. */
  reconnect(messageId: string, lastEventId: number, signal: AbortSignal): Promise<Response>;
  onChunk(chunk: UIStreamChunk, seq: number): void;
  /** 'reconnecting' after a drop, 'live' once a connection delivers again. */
  onConnection?(state: 'live' | 'reconnecting'): void;
  signal?: AbortSignal;
  /** Known up front when resuming an answer restored from history. */
  messageId?: string;
  lastEventId?: number;
  /** Delay before reconnect attempt n (1-based). Default 0.5 s, 1 s, 2 s, 4 s, then 8 s. */
  backoffMs?(attempt: number): number;
  /** Failed reconnects in a row (while online) before giving up. Default 10. */
  maxAttempts?: number;
  /** No bytes (not even a `: ping`) for this long → treat the connection as dead. Default 45 s. */
  stallMs?: number;
  /** Where `online` events come from (default: globalThis). */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

/** The stream could not be resumed; `messageId`/`lastEventId` say where to pick it up again. */
export class StreamDroppedError extends Error {
  constructor(
    readonly messageId: string | undefined,
    readonly lastEventId: number,
    readonly reason?: unknown,
  ) {
    super('The connection was lost.');
    this.name = 'StreamDroppedError';
  }
}

const TERMINAL = new Set(['finish', 'abort', 'error']);

export const defaultBackoff = (attempt: number) =>
  Math.min(8000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

/** Resolves 'done' after `[DONE]` (or a terminal chunk then EOF), 'aborted' if `signal` aborted. */
export async function readAnswerStream(o: AnswerStreamOptions): Promise<'done' | 'aborted'> {
  let messageId = o.messageId;
  let last = o.lastEventId ?? 0;
  let terminal = false;
  let failures = 0;
  let connections = 0;
  const outer = o.signal;
  const stallMs = o.stallMs ?? 45_000;
  const events = o.events ?? ('addEventListener' in globalThis ? (globalThis as unknown as EventTarget) : undefined);

  for (;;) {
    if (outer?.aborted) return 'aborted';
    const ctrl = new AbortController();
    const abort = () => ctrl.abort();
    outer?.addEventListener('abort', abort);
    let progressed = false;
    let error: unknown;
    try {
      // Before connecting: a reader that cannot be fetched is a request never sent, not a lost answer.
      const { readAnswerStream: readEvents } = await loadAnswerReader();
      const res =
        connections++ === 0 ? await o.connect(ctrl.signal) : await o.reconnect(messageId!, last, ctrl.signal);
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Re-armed by every event and every `: ping`: silence for stallMs aborts the connection.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(abort, stallMs);
      };
      try {
        arm();
        // Leaving the loop (at `[DONE]`) cancels the body, which closes the connection.
        for await (const event of readEvents(res, { onComment: arm })) {
          arm();
          if (event.done) {
            done = true;
            break;
          }
          const seq = event.seq ?? NaN;
          if (seq <= last) continue; // already applied (a server replaying from too early)
          if (Number.isFinite(seq)) last = seq;
          if (!progressed) {
            progressed = true;
            failures = 0;
            if (connections > 1) o.onConnection?.('live');
          }
          const { chunk } = event;
          if (chunk.type === 'start') messageId = chunk.messageId;
          if (TERMINAL.has(chunk.type)) terminal = true;
          o.onChunk(chunk, seq);
        }
      } finally {
        clearTimeout(timer);
      }
      if (done || terminal) return 'done';
      error = new TypeError('stream ended before [DONE]');
    } catch (e) {
      if (outer?.aborted) return 'aborted';
      // The first request's HTTP errors (401, 429, 4xx…) are for the caller; reconnects retry
      // on 5xx / 408 / 429 and give up (as a drop that can be retried later) on any other status.
      if (e instanceof ApiError) {
        if (connections === 1) throw e;
        if (e.status < 500 && e.status !== 408 && e.status !== 429) throw new StreamDroppedError(messageId, last, e);
      }
      error = e;
    } finally {
      outer?.removeEventListener('abort', abort);
      ctrl.abort();
    }
    if (terminal) return 'done';
    // Without a message id (dropped before `start`) there is nothing to resume.
    if (messageId === undefined) throw new StreamDroppedError(undefined, last, error);
    if (!progressed && (globalThis.navigator?.onLine ?? true)) failures++;
    if (failures > (o.maxAttempts ?? 10)) throw new StreamDroppedError(messageId, last, error);
    o.onConnection?.('reconnecting');
    await pause((o.backoffMs ?? defaultBackoff)(Math.max(1, failures)), outer, events);
  }
}

/** Waits `ms`, or less if the browser comes back online or the caller aborts. */
function pause(
  ms: number,
  signal: AbortSignal | undefined,
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined,
) {
  return new Promise<void>((resolve) => {
    const end = () => {
      clearTimeout(t);
      events?.removeEventListener('online', end);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    const t = setTimeout(end, ms);
    events?.addEventListener('online', end);
    signal?.addEventListener('abort', end);
  });
}

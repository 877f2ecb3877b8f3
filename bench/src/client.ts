import { performance } from 'node:perf_hooks';
import { PUBLISHABLE_KEY_HEADER, ROUTES } from '@prex/protocol';
import { emptyAnswer, readAnswerStream, reduceAnswer } from '@prex/protocol/client';

/** A server that speaks Prex's public wire contract (Prex itself, or the bench's floor). */
export interface Target {
  baseUrl: string;
  publishableKey: string;
  /** Sent on every request (e.g. `connection: close`, so a balancer in front spreads them). */
  headers?: Record<string, string>;
}

export interface TurnResult {
  /** POST sent → first `text-delta` chunk parsed, in ms. */
  firstDeltaMs: number;
  /** POST sent → `data: [DONE]` parsed, in ms. */
  doneMs: number;
  /** From the `data-prex-meta` chunk, when there was one. */
  answerer: string | undefined;
  grounded: boolean | undefined;
  /** Every parsed chunk, in order (kept only when asked: the floor replays one). */
  chunks: unknown[] | undefined;
  deltas: number;
  textChars: number;
}

const TURN_TIMEOUT_MS = 30_000;

export async function createSession(target: Target): Promise<string> {
  const res = await fetch(target.baseUrl + ROUTES.sessions, {
    method: 'POST',
    headers: { ...target.headers, [PUBLISHABLE_KEY_HEADER]: target.publishableKey, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(TURN_TIMEOUT_MS),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || typeof body.token !== 'string') {
    throw new Error(`POST ${ROUTES.sessions} → ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** Sends one message and reads its answer stream to the end, timing the first delta and [DONE]. */
export async function runTurn(target: Target, token: string, text: string, keepChunks = false): Promise<TurnResult> {
  const t0 = performance.now();
  const res = await fetch(target.baseUrl + ROUTES.chat, {
    method: 'POST',
    headers: {
      ...target.headers,
      [PUBLISHABLE_KEY_HEADER]: target.publishableKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(TURN_TIMEOUT_MS),
  });
  if (!res.ok || !res.body) {
    throw new Error(`POST ${ROUTES.chat} → ${res.status} ${await res.text().catch(() => '')}`);
  }

  let firstDeltaMs = Number.NaN;
  let doneMs = Number.NaN;
  let deltas = 0;
  let answer = emptyAnswer;
  const chunks: unknown[] | undefined = keepChunks ? [] : undefined;

  // Read to the end of the response (not just to [DONE]) so the keep-alive connection is reusable.
  for await (const event of readAnswerStream(res)) {
    if (event.done) doneMs = performance.now() - t0;
    else {
      chunks?.push(event.chunk);
      if (event.chunk.type === 'text-delta' && deltas++ === 0) firstDeltaMs = performance.now() - t0;
    }
    answer = reduceAnswer(answer, event);
  }

  if (answer.status === 'error') throw new Error(`answer stream error: ${answer.errorText ?? 'error chunk'}`);
  if (!answer.done) throw new Error('answer stream ended without [DONE]');
  if (deltas === 0) throw new Error('answer stream had no text-delta');
  const { answerer, grounded } = answer.meta ?? {};
  const textChars = answer.text.length;
  return { firstDeltaMs, doneMs, answerer, grounded, chunks, deltas, textChars };
}

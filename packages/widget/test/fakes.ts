import type { ChatMessage } from '@prex/protocol';
import { ApiError, type ApiClient } from '../src/api.js';

/** An SSE Response whose body is fed by the test: push text, then end() or fail(). */
export function sseResponse() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
  const enc = new TextEncoder();
  return {
    response: { ok: true, status: 200, body } as unknown as Response,
    push: (text: string) => ctrl.enqueue(enc.encode(text)),
    end: () => ctrl.close(),
    fail: () => ctrl.error(new TypeError('network error')),
  };
}

export const sse = (seq: number, chunk: unknown) => `id: ${seq}\ndata: ${JSON.stringify(chunk)}\n\n`;
export const sseDone = (seq: number) => `id: ${seq}\ndata: [DONE]\n\n`;

/** Builds an answer's frames: start, meta, text deltas, sources, finish, [DONE]. */
export function answerFrames(messageId: string, deltas: string[], opts: { userMessageId?: string; end?: unknown } = {}) {
  const chunks: unknown[] = [
    { type: 'start', messageId },
    { type: 'data-prex-meta', data: { sessionId: 's', userMessageId: opts.userMessageId ?? 'u_' + messageId, answerer: 'extractive', grounded: true } },
    { type: 'text-start', id: 't0' },
    ...deltas.map((delta) => ({ type: 'text-delta', id: 't0', delta })),
    { type: 'text-end', id: 't0' },
    opts.end ?? { type: 'finish', finishReason: 'stop' },
  ];
  return chunks.map((c, i) => sse(i + 1, c)).join('') + sseDone(chunks.length);
}

export const msg = (p: Partial<ChatMessage> & Pick<ChatMessage, 'id' | 'role' | 'text'>): ChatMessage => ({
  status: 'complete',
  sources: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  ...p,
});

type Methods = Exclude<keyof ApiClient, 'publishableKey' | 'base'>;
type Calls = { [K in Methods]: Parameters<ApiClient[K]>[] };

/** A scripted ApiClient that records every call. */
export function fakeApi(impl: Partial<ApiClient> = {}) {
  const calls: Calls = { config: [], createSession: [], history: [], send: [], resume: [], events: [], stop: [], feedback: [], summaries: [], request: [] };
  let sessions = 0;
  const base: Omit<ApiClient, 'publishableKey' | 'base'> = {
    config: async () => ({ tenant: { name: 'Northwind' }, theme: { accentColor: '#0f766e', position: 'right', colorScheme: 'light', title: 'Northwind help', greeting: 'Hello from Northwind', launcherLabel: 'Chat' } as never }),
    createSession: async () => {
      sessions++;
      return { sessionId: `s${sessions}`, token: `tok${sessions}`, expiresAt: '2099-01-01T00:00:00.000Z' };
    },
    history: async () => ({ sessionId: 's', messages: [] }),
    send: async () => {
      throw new ApiError(500, 'internal', 'no send scripted');
    },
    resume: async () => {
      throw new ApiError(404, 'not_found', 'no resume scripted');
    },
    events: async () => {
      throw new ApiError(404, 'not_found', 'no events scripted');
    },
    stop: async (_t, id) => ({ messageId: id, status: 'stopped' }),
    feedback: async (_t, messageId, rating, comment) => ({ messageId, rating, comment: comment ?? null, updatedAt: '2026-01-01T00:00:00.000Z' }),
    summaries: async () => ({ conversations: [] }),
    request: async (path) => {
      throw new ApiError(404, 'not_found', `no route scripted for ${path}`);
    },
  };
  const api = { publishableKey: 'pk_test_tenant_a', base: 'https://prex.test' } as ApiClient;
  for (const k of Object.keys(base) as Methods[]) {
    const f = (impl[k] ?? base[k]) as (...a: unknown[]) => unknown;
    (api as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => {
      (calls[k] as unknown[][]).push(args);
      return f(...args);
    };
  }
  return { api, calls };
}

/** Resolves once `cond` holds (polling; for async store flows). */
export async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A backend route of fakeFetch: given the request, a `{ status?, json }` or a Response. */
export type Route = (init: RequestInit, url: string) => unknown;
export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** When it was sent (Date.now()). */
  at: number;
}

/**
 * A fetch that answers the backend's routes from a table keyed `"METHOD /path"`, and records every
 * request. A path the table does not know is a 404 with the backend's error shape.
 */
export function fakeFetch(routes: Record<string, Route>) {
  const requests: RecordedRequest[] = [];
  const f = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    const path = new URL(url).pathname;
    requests.push({ method, url, path, headers: init.headers as Record<string, string>, body: init.body as string, at: Date.now() });
    const route = routes[`${method} ${path}`] ?? (method === 'POST' && /\/feedback$/.test(path) ? routes['POST feedback'] : undefined);
    const out = route ? route(init, url) : { status: 404, json: { error: { code: 'not_found', message: 'nope' } } };
    if (out && typeof out === 'object' && 'body' in out) return out as Response;
    const { status = 200, json } = out as { status?: number; json: unknown };
    return { ok: status < 400, status, json: async () => json, body: null } as unknown as Response;
  }) as typeof fetch;
  return { fetch: f, requests };
}

import type {
  ConversationSummariesResponse,
  CreateSessionResponse,
  FeedbackResponse,
  ErrorBody,
  HistoryResponse,
  StopResponse,
  WidgetConfigResponse,
} from '@prex/protocol';
import { PUBLISHABLE_KEY_HEADER, ROUTES, resumePath, stopPath } from '@prex/protocol/wire';

/** A non-2xx answer from the backend (`{ error: { code, message, … } }`), or status 0 for a bad body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body's other fields (e.g. `attemptsLeft` of a wrong one-time code). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  config(): Promise<WidgetConfigResponse>;
  createSession(): Promise<CreateSessionResponse>;
  history(token: string): Promise<HistoryResponse>;
  /** POST /v1/chat → the (OK) SSE response; the body is read by the stream reader. */
  send(token: string, text: string, signal?: AbortSignal): Promise<Response>;
  /** GET /v1/chat/:id/stream with `Last-Event-ID` → the rest of that answer's stream. */
  resume(token: string, messageId: string, lastEventId: number, signal?: AbortSignal): Promise<Response>;
  /** GET /v1/conversations/current/events with `Last-Event-ID` → the conversation's events after it. */
  events(token: string, lastEventId: number, signal?: AbortSignal): Promise<Response>;
  stop(token: string, messageId: string): Promise<StopResponse>;
  /** POST /v1/chat/:id/feedback (sending again replaces the earlier feedback). */
  feedback(token: string, messageId: string, rating: 'up' | 'down', comment?: string): Promise<FeedbackResponse>;
  /** POST /v1/conversations/summaries for the session tokens the visitor kept. */
  summaries(tokens: string[]): Promise<ConversationSummariesResponse>;
  /**
   * Any other JSON route (handoff, identity, the account panel): a body means POST unless
   * `method` says otherwise; a Blob body is sent raw with its own type (a voice message).
   * Resolves to the parsed body, rejects with ApiError.
   */
  request<T>(path: string, token?: string, body?: unknown, method?: string): Promise<T>;
  readonly publishableKey: string;
  /** The backend's origin (and path prefix), without a trailing slash. */
  readonly base: string;
}

export interface ApiOptions {
  apiBase: string;
  publishableKey: string;
  /** The agent that answers (`agent` of every POST /v1/chat); absent: the tenant's default. */
  agent?: string | undefined;
  fetch?: typeof fetch;
}

export function createApi({ apiBase, publishableKey, agent, fetch: f }: ApiOptions): ApiClient {
  const base = apiBase.replace(/\/+$/, '');
  const doFetch: typeof fetch = f ?? ((input, init) => globalThis.fetch(input, init));

  async function call(path: string, init: RequestInit & { token?: string | undefined; sse?: boolean }) {
    const headers: Record<string, string> = { [PUBLISHABLE_KEY_HEADER]: publishableKey };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body) headers['content-type'] = (init.body as Blob).type || 'application/json';
    headers.accept = init.sse ? 'text/event-stream' : 'application/json';
    Object.assign(headers, init.headers as Record<string, string> | undefined);
    const res = await doFetch(base + path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body ?? null,
      signal: init.signal ?? null,
      credentials: 'omit',
      mode: 'cors',
      cache: 'no-store',
    });
    if (!res.ok) {
      let body: Partial<ErrorBody> | undefined;
      try {
        body = (await res.json()) as Partial<ErrorBody>;
      } catch {
        /* not JSON */
      }
      const err = typeof body?.error === 'object' && body.error ? body.error : {};
      const { code = 'http_error', message = `HTTP ${res.status}`, ...details } = err as Partial<ErrorBody['error']>;
      throw new ApiError(res.status, code, message, details);
    }
    return res;
  }
  const json = async <T,>(p: Promise<Response>): Promise<T> => (await p).json() as Promise<T>;

  return {
    config: () => json(call(ROUTES.widgetConfig, {})),
    createSession: () => json(call(ROUTES.sessions, { method: 'POST', body: '{}' })),
    history: (token) => json(call(ROUTES.history, { token })),
    send: (token, text, signal) =>
      call(ROUTES.chat, { method: 'POST', token, body: JSON.stringify({ text, agent }), signal, sse: true }),
    resume: (token, messageId, lastEventId, signal) =>
      call(resumePath(messageId), { token, signal, sse: true, headers: { 'last-event-id': String(lastEventId) } }),
    events: (token, lastEventId, signal) =>
      call(ROUTES.conversationEvents, { token, signal, sse: true, headers: { 'last-event-id': String(lastEventId) } }),
    stop: (token, messageId) => json(call(stopPath(messageId), { method: 'POST', token, body: '{}' })),
    feedback: (token, messageId, rating, comment) =>
      json(
        call(ROUTES.feedback.replace(':messageId', encodeURIComponent(messageId)), {
          method: 'POST',
          token,
          body: JSON.stringify(comment ? { rating, comment } : { rating }),
        }),
      ),
    summaries: (tokens) => json(call(ROUTES.conversationSummaries, { method: 'POST', body: JSON.stringify({ tokens }) })),
    request: (path, token, body, method) =>
      // A Blob (a voice recording) goes as it is, with its own type (call's content-type).
      json(call(path, { method: method ?? (body ? 'POST' : 'GET'), token, body: body instanceof Blob ? body : body ? JSON.stringify(body) : undefined })),
    publishableKey,
    base,
  };
}

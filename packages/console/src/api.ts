import { STAFF_CSRF_HEADER } from '@prex/protocol/wire';
import type { ErrorBody } from '@prex/protocol';

/** A non-2xx answer of the backend, with its message in words (every error body carries one). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The session's CSRF token, echoed on every request that changes something. */
let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The CSRF header for a request sent another way than send() (an XMLHttpRequest upload). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { [STAFF_CSRF_HEADER]: csrfToken } : {};
}

/** Fills a route template such as /v1/staff/inbox/:sessionId. */
export function path(template: string, params: Record<string, string>): string {
  return template.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** Calls a staff route on this origin with the session cookie; JSON in, JSON out. */
export async function api<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await send(method, url, body, signal);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The raw response (for streams); throws ApiError on a non-2xx answer. */
export async function send(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A Blob goes as it is, under its own type (a YAML document); anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = raw ? body.type : 'application/json';
  if (method !== 'GET' && csrfToken) headers[STAFF_CSRF_HEADER] = csrfToken;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : raw ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await apiError(res);
  return res;
}

async function apiError(res: Response): Promise<ApiError> {
  try {
    const { error } = (await res.json()) as ErrorBody;
    return new ApiError(res.status, error.code, error.message, error.issues ?? []);
  } catch {
    return new ApiError(res.status, 'internal', `The server answered ${res.status}`);
  }
}

/** What to show a person for any failure. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.issues.filter((i) => i.message && i.message !== error.message).map((i) => i.message);
    return details.length ? `${error.message}: ${details.join('; ')}` : error.message;
  }
  if (error instanceof TypeError) return 'Cannot reach the Prex server. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

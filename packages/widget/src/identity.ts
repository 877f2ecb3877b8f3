/**
 * `identify(user, signature)`: the host page vouches for who the visitor is. The signature is
 * computed by the host's server with the tenant's identity secret (which never reaches the
 * browser): either the hex HMAC-SHA256 of the user id, or an HS256 JWT. A JWT has exactly two
 * dots (header.payload.signature); a hex digest has none, so the two cannot be confused.
 */
import { ROUTES } from '@prex/protocol/wire';
import { ApiError, type ApiClient } from './api.js';
import type { Emit } from './events.js';
import type { TokenStore } from './session.js';

export interface IdentityBody {
  userId: string;
  signature?: string;
  token?: string;
  email?: string;
  name?: string;
  attributes?: unknown;
}

const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() && v.length <= max ? v.trim() : undefined);

/** The POST /v1/identity body for what the host passed, or a message saying what is wrong. */
export function identityBody(user: unknown, signature: unknown): IdentityBody | string {
  const u = (user && typeof user === 'object' ? user : {}) as Record<string, unknown>;
  // `id` is what the docs asked for before identity was verified; keep accepting it.
  const raw = u.userId ?? u.id;
  const userId = text(typeof raw === 'number' ? String(raw) : raw, 200);
  if (!userId) return 'identify needs { userId: "…" } (a non-empty string of at most 200 characters)';
  const body: IdentityBody = { userId };
  const email = text(u.email, 254);
  const name = text(u.name, 200);
  if (email) body.email = email;
  if (name) body.name = name;
  // Passed as given: the server checks keys and values and names any it refuses.
  if (u.attributes !== undefined) body.attributes = u.attributes;
  if (signature === undefined || signature === null || signature === '') return body;
  if (typeof signature !== 'string') return 'identify: the signature must be a string (hex HMAC or JWT)';
  const sig = signature.trim();
  if (sig.split('.').length === 3) body.token = sig;
  else if (/^[0-9a-f]{64}$/i.test(sig)) body.signature = sig.toLowerCase();
  else return 'identify: the signature is neither a hex HMAC-SHA256 (64 hex digits) nor a JWT';
  return body;
}

/**
 * Remembers what the host page said and sends it once per session: now if there is one, else
 * when the next session is created (store calls `send` then). A refusal leaves the visitor
 * anonymous and is reported to the host page, never shown to the visitor.
 */
export function createIdentity({ api, tokens, emit }: { api: ApiClient; tokens: TokenStore; emit?: Emit | undefined }) {
  let body: IdentityBody | undefined;
  let sentFor: string | undefined;

  /** A problem of the host page's integration: the console and an `error` event. */
  function report(message: string, code: string) {
    console.warn(`[Prex] ${message}`);
    emit?.('error', { message, code });
  }

  async function send() {
    const token = tokens.get();
    if (!body || !token || sentFor === token) return;
    sentFor = token;
    try {
      await api.request(ROUTES.identity, token, body);
    } catch (e) {
      // A refusal (4xx) stands for this session; an outage is tried again with the next one.
      if (!(e instanceof ApiError) || e.status >= 500) sentFor = undefined;
      report(e instanceof Error ? e.message : String(e), e instanceof ApiError ? e.code : 'identity_failed');
    }
  }

  function identify(user: unknown, signature: unknown) {
    const next = identityBody(user, signature);
    if (typeof next === 'string') return report(next, 'invalid_identity');
    body = next;
    sentFor = undefined;
    void send();
  }

  return { identify, send };
}

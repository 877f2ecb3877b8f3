import { staffEmailSchema } from '@prex/protocol';

/**
 * Who a Supabase Auth access token belongs to, asked of the project's Auth server with the official
 * client (GET /auth/v1/user): the server checks the signature, expiry and revocation, so Prex needs
 * no JWT secret. Only a confirmed email counts: an unconfirmed one proves nothing about its owner.
 */
export type SupabaseUserCheck =
  | { kind: 'user'; email: string }
  | { kind: 'invalid' }
  | { kind: 'no-confirmed-email' }
  | { kind: 'unreachable'; error: string };

export interface SupabaseAuth {
  readonly url: string;
  readonly anonKey: string;
  check(accessToken: string): Promise<SupabaseUserCheck>;
}

/** A slow Auth server must not hold a sign-in request (and its connection) open indefinitely. */
const AUTH_TIMEOUT_MS = 10_000;

const timedFetch: typeof fetch = (input, init) => {
  const timeout = AbortSignal.timeout(AUTH_TIMEOUT_MS);
  return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
};

/** The official client, made on the first sign-in: supabase-js is not loaded by every start. */
async function supabaseClient(config: { url: string; anonKey: string }) {
  const [{ createClient, isAuthApiError }, { default: ws }] = await Promise.all([import('@supabase/supabase-js'), import('ws')]);
  const client = createClient(config.url, config.anonKey, {
    // A server-side client: no session of its own to keep, refresh or read from a URL.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Node 20 has no global WebSocket, and createClient throws without one (realtime is never used here).
    realtime: { transport: ws as never },
    global: { fetch: timedFetch },
  });
  return { client, isAuthApiError };
}

export function createSupabaseAuth(config: { url: string; anonKey: string }): SupabaseAuth {
  let loaded: ReturnType<typeof supabaseClient> | undefined;
  return {
    url: config.url,
    anonKey: config.anonKey,
    async check(accessToken) {
      const { client, isAuthApiError } = await (loaded ??= supabaseClient(config));
      const { data, error } = await client.auth.getUser(accessToken);
      if (error) {
        // 4xx: the token is malformed, expired, revoked or of another project. Else the server did not answer.
        if (isAuthApiError(error) && error.status >= 400 && error.status < 500) return { kind: 'invalid' };
        return { kind: 'unreachable', error: error.message };
      }
      const email = staffEmailSchema.safeParse(data.user.email);
      if (!email.success || !data.user.email_confirmed_at) return { kind: 'no-confirmed-email' };
      return { kind: 'user', email: email.data };
    },
  };
}

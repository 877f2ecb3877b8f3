import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking the part of Supabase Auth (GoTrue) that a server checking a user's
 * session calls: GET /auth/v1/user with the project's anon key in `apikey` and the user's access
 * token as `Authorization: Bearer`, answering as Supabase does: 200 with the user, 401 bad_jwt for
 * an unknown or expired token, 401 no_authorization without one. Point the real
 * `@supabase/supabase-js` client at its URL. It also answers the password grant a browser signs in
 * with (POST /auth/v1/token?grant_type=password, for users added with a password), with the CORS
 * headers Supabase sends to any origin. Never used by production code.
 */

export interface SupabaseTestUser {
  email: string;
  /** False: the email was never confirmed (email_confirmed_at null). Default true. */
  confirmed?: boolean;
}

export interface RunningSupabaseAuthServer {
  /** http://127.0.0.1:port: the project URL (the client adds /auth/v1). */
  url: string;
  anonKey: string;
  /** A new access token for this user, valid until revoked. */
  issueToken(user: SupabaseTestUser): string;
  /** A user who can sign in with this password (the password grant issues a new token each time). */
  addUser(user: SupabaseTestUser & { password: string }): void;
  revokeToken(token: string): void;
  /** Every request received, with the apikey it carried. */
  requests: Array<{ method: string; path: string; apikey: string | undefined }>;
  close(): Promise<void>;
}

/** Supabase's Auth API answers browsers on any origin. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'apikey, authorization, content-type, x-client-info, x-supabase-api-version',
};

export async function startSupabaseAuthServer(options: { anonKey?: string } = {}): Promise<RunningSupabaseAuthServer> {
  const anonKey = options.anonKey ?? `anon-${randomUUID()}`;
  const users = new Map<string, { id: string; email: string; confirmed: boolean }>();
  const requests: RunningSupabaseAuthServer['requests'] = [];
  const passwords = new Map<string, { password: string; confirmed: boolean }>();
  const issue = (user: SupabaseTestUser) => {
    const token = `sb-${randomUUID()}`;
    users.set(token, { id: randomUUID(), email: user.email, confirmed: user.confirmed ?? true });
    return token;
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', ...CORS });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, errorCode: string, msg: string) => reply(res, status, { code: status, error_code: errorCode, msg });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : undefined;
    requests.push({ method: req.method ?? '', path, apikey });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      return void res.end();
    }
    if (req.method === 'POST' && path === '/auth/v1/token') return void passwordGrant(req, res, apikey);
    if (req.method !== 'GET' || path !== '/auth/v1/user') return refuse(res, 404, 'not_found', 'Not found');
    if (apikey !== anonKey) return refuse(res, 401, 'no_api_key', 'Invalid API key');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return refuse(res, 401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    const user = users.get(bearer);
    if (!user) return refuse(res, 401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is unverifiable');
    const now = new Date().toISOString();
    reply(res, 200, {
      id: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      email_confirmed_at: user.confirmed ? now : null,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      identities: [],
      created_at: now,
      updated_at: now,
      is_anonymous: false,
    });
  }

  async function passwordGrant(req: IncomingMessage, res: ServerResponse, apikey: string | undefined): Promise<void> {
    if (apikey !== anonKey) return refuse(res, 401, 'no_api_key', 'Invalid API key');
    if (new URL(req.url ?? '/', 'http://localhost').searchParams.get('grant_type') !== 'password') return refuse(res, 400, 'validation_failed', 'Unsupported grant type');
    let body: { email?: unknown; password?: unknown } = {};
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return refuse(res, 400, 'bad_json', 'Could not parse request body as JSON');
    }
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
    const known = passwords.get(email);
    if (!known || known.password !== body.password) return refuse(res, 400, 'invalid_credentials', 'Invalid login credentials');
    if (!known.confirmed) return refuse(res, 400, 'email_not_confirmed', 'Email not confirmed');
    reply(res, 200, { access_token: issue({ email, confirmed: true }), token_type: 'bearer', expires_in: 3600, refresh_token: randomUUID() });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    anonKey,
    requests,
    issueToken: issue,
    addUser(user) {
      passwords.set(user.email.toLowerCase(), { password: user.password, confirmed: user.confirmed ?? true });
    },
    revokeToken(token) {
      users.delete(token);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

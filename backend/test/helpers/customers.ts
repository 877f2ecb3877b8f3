import { SignJWT } from 'jose';
import { PUBLISHABLE_KEY_HEADER, ROUTES } from '@prex/protocol';
import { startSmtpServer, type RunningSmtpServer } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { ALLOWED_ORIGIN, createSessionOver, readJson, startTestApp, type TestApp } from './app.js';

/**
 * The real server with a real SMTP server on loopback as its relay: codes are read from the mails
 * as a customer would read them. Public rate limit lifted (tests send many requests from one IP).
 */
export async function startCustomersApp(
  opts: { db?: Db; env?: Record<string, string> } = {},
): Promise<{ app: TestApp; smtp: RunningSmtpServer; close(): Promise<void> }> {
  const smtp = await startSmtpServer();
  const env = { PREX_SMTP_URL: smtp.url, PREX_RATE_LIMIT_PER_MINUTE: '100000', ...opts.env };
  const app = await startTestApp({ env, ...(opts.db ? { db: opts.db } : {}) });
  return {
    app,
    smtp,
    async close() {
      await app.close();
      await smtp.close();
    },
  };
}

/** A widget on the host page: the tenant's key, the allowed origin, its session token. */
export interface Widget {
  app: TestApp;
  sessionId: string;
  token: string;
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function openWidget(app: TestApp, token?: string): Promise<Widget> {
  const session = token ? { sessionId: token.split('.')[0]!, token } : await createSessionOver(app);
  return widgetWith(app, session.sessionId, session.token);
}

export function widgetWith(app: TestApp, sessionId: string, token: string): Widget {
  return {
    app,
    sessionId,
    token,
    call(method, path, body) {
      const headers: Record<string, string> = { [PUBLISHABLE_KEY_HEADER]: app.publishableKey, origin: ALLOWED_ORIGIN, authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${app.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    },
  };
}

/** Asks for a code and returns it as read from the delivered mail. */
export async function requestCode(w: Widget, smtp: RunningSmtpServer, email: string, purpose: 'verify' | 'export' | 'delete' = 'verify'): Promise<string> {
  const before = smtp.messages.length;
  const res = await w.call('POST', ROUTES.emailCodeStart, { email, purpose });
  if (res.status !== 202) throw new Error(`start → ${res.status} ${await res.text()}`);
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(email.trim().toLowerCase()));
  return codeIn(mail.text);
}

export function codeIn(text: string): string {
  const match = text.match(/\b([0-9]{6})\b/);
  if (!match) throw new Error(`no 6-digit code in mail: ${text}`);
  return match[1]!;
}

/** Verifies an email on this widget's session, reading the code from the mail. */
export async function verifyEmail(w: Widget, smtp: RunningSmtpServer, email: string) {
  const code = await requestCode(w, smtp, email);
  const res = await w.call('POST', ROUTES.emailCodeVerify, { email, code });
  if (res.status !== 200) throw new Error(`verify → ${res.status} ${await res.text()}`);
  return readJson(res);
}

export async function adminCall(app: TestApp, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${app.secretKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${app.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

export async function identitySecretOf(app: TestApp): Promise<string> {
  const res = await adminCall(app, 'GET', '/v1/admin/customer-settings');
  return (await readJson<{ identitySecret: string }>(res)).identitySecret;
}

/** An HS256 identity token as a host site's server would make it (`attributes`: the verified ones). */
export function hostToken(secret: string, claims: { sub?: string; email?: string; name?: string; attributes?: unknown }, expiresIn: string | number = '1h', alg = 'HS256'): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt();
  if (expiresIn !== 0) jwt = jwt.setExpirationTime(expiresIn);
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** Sends a chat message and waits for the answer to finish, so the conversation has history. */
export async function chat(w: Widget, text: string): Promise<void> {
  const res = await w.call('POST', ROUTES.chat, { text });
  if (res.status !== 200) throw new Error(`chat → ${res.status} ${await res.text()}`);
  await res.text();
}

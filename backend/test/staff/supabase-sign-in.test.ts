import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ACCESS_ROUTES, STAFF_ROUTES, type SetupStatusResponse, type StaffSessionResponse } from '@prex/protocol';
import { closedPort, startSupabaseAuthServer, type RunningSupabaseAuthServer } from '@prex/testing';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { makeStaff, staffBrowser } from '../helpers/staff.js';

/**
 * Staff sign-in with Supabase Auth: the real @supabase/supabase-js client in the backend asks a
 * loopback server speaking GoTrue's GET /auth/v1/user who a token belongs to; a confirmed email
 * with a staff account gets the same cookie session as a password sign-in.
 */

const RATE = { PREX_RATE_LIMIT_PER_MINUTE: '100000' };

const signInWith = (app: TestApp, body: unknown) =>
  fetch(`${app.url}${STAFF_ACCESS_ROUTES.loginSupabase}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('prex_staff='))?.slice('prex_staff='.length).split(';')[0];

describe('Supabase sign-in, configured', () => {
  let supabase: RunningSupabaseAuthServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    supabase = await startSupabaseAuthServer();
    const env = { ...RATE, PREX_SUPABASE_URL: supabase.url, PREX_SUPABASE_ANON_KEY: supabase.anonKey };
    a = await startTestApp({ env });
    b = await startTestApp({ db: a.db, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await supabase?.close();
  });

  it('tells the console that Supabase sign-in is offered, with the project URL and anon key', async () => {
    const status = await readJson<SetupStatusResponse>(await fetch(`${a.url}${STAFF_ACCESS_ROUTES.setup}`));
    expect(status).toEqual({ needed: false, signIn: { password: true, supabase: { url: supabase.url, anonKey: supabase.anonKey } } });
  });

  it('signs in the staff account of the token’s confirmed email, as a password sign-in does', async () => {
    await makeStaff(a.db, a.tenant.id, 'agent@a.example', 'agent');
    const token = supabase.issueToken({ email: 'Agent@A.example' });
    const res = await signInWith(a, { accessToken: token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await readJson<StaffSessionResponse>(res);
    expect(body).toMatchObject({ account: { email: 'agent@a.example', role: 'agent', tenantId: a.tenant.id }, tenant: { id: a.tenant.id }, csrfToken: expect.any(String) });
    // The backend asked Supabase with the project's anon key.
    expect(supabase.requests.at(-1)).toEqual({ method: 'GET', path: '/auth/v1/user', apikey: supabase.anonKey });

    const browser = staffBrowser(a.url);
    browser.cookie = cookieOf(res);
    browser.csrfToken = body.csrfToken;
    const me = await browser.call('GET', STAFF_ROUTES.me);
    expect(me.status).toBe(200);
    expect((await readJson(me)).account.email).toBe('agent@a.example');
    expect((await browser.call('POST', STAFF_ROUTES.logout)).status).toBe(204);
  });

  it('refuses a token Supabase does not know or has revoked (401), and sets no cookie', async () => {
    await makeStaff(a.db, a.tenant.id, 'revoked@a.example', 'agent');
    const token = supabase.issueToken({ email: 'revoked@a.example' });
    supabase.revokeToken(token);
    for (const accessToken of [token, 'not-a-jwt']) {
      const res = await signInWith(a, { accessToken });
      expect(res.status).toBe(401);
      expect(cookieOf(res)).toBeUndefined();
      expect((await readJson(res)).error.message).toMatch(/Supabase session is invalid or expired: sign in to Supabase again/);
    }
  });

  it('refuses an email with no staff account, or not confirmed with Supabase (401)', async () => {
    const stranger = await signInWith(a, { accessToken: supabase.issueToken({ email: 'stranger@elsewhere.example' }) });
    expect(stranger.status).toBe(401);
    expect((await readJson(stranger)).error.message).toMatch(/stranger@elsewhere.example has no staff account on this server: ask the workspace's owner for an invitation/);

    await makeStaff(a.db, a.tenant.id, 'unconfirmed@a.example', 'admin');
    const unconfirmed = await signInWith(a, { accessToken: supabase.issueToken({ email: 'unconfirmed@a.example', confirmed: false }) });
    expect(unconfirmed.status).toBe(401);
    expect(cookieOf(unconfirmed)).toBeUndefined();
    expect((await readJson(unconfirmed)).error.message).toMatch(/no confirmed email: confirm it with Supabase first/);
  });

  it('asks which workspace when the email is staff of several (409), then signs in to the one named', async () => {
    await makeStaff(a.db, a.tenant.id, 'both@teams.example', 'agent');
    await makeStaff(b.db, b.tenant.id, 'both@teams.example', 'owner');
    const token = supabase.issueToken({ email: 'both@teams.example' });
    const ask = await signInWith(a, { accessToken: token });
    expect(ask.status).toBe(409);
    expect((await readJson(ask)).error.message).toMatch(new RegExp(`several workspaces: sign in again with tenantId, one of .*${b.tenant.id}`));
    const chosen = await signInWith(a, { accessToken: token, tenantId: b.tenant.id });
    expect(chosen.status).toBe(200);
    expect((await readJson<StaffSessionResponse>(chosen)).account).toMatchObject({ tenantId: b.tenant.id, role: 'owner' });
    // A workspace the email is not staff of is refused.
    const other = await startTestApp({ db: a.db, env: { ...RATE, PREX_SUPABASE_URL: supabase.url, PREX_SUPABASE_ANON_KEY: supabase.anonKey } });
    try {
      const wrong = await signInWith(a, { accessToken: token, tenantId: other.tenant.id });
      expect(wrong.status).toBe(401);
      expect((await readJson(wrong)).error.message).toMatch(new RegExp(`has no staff account in workspace ${other.tenant.id}`));
    } finally {
      await other.close();
    }
  });

  it('refuses a body that is not {accessToken, tenantId?}, naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /accessToken/],
      [{ accessToken: '' }, /accessToken is empty/],
      [{ accessToken: 42 }, /accessToken must be a string/],
      [{ accessToken: 'x'.repeat(16_385) }, /accessToken is longer than 16384 characters/],
      [{ accessToken: 'tok', tenantId: 'acme' }, /tenantId is not a tenant id/],
      [{ accessToken: 'tok', password: 'x' }, /password/],
    ];
    for (const [body, message] of cases) {
      const res = await signInWith(a, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify((await readJson(res)).error)).toMatch(message);
    }
  });
});

describe('Supabase sign-in, Supabase unreachable', () => {
  it('answers 502 auth_unavailable and suggests the password, never a 500', async () => {
    const port = await closedPort();
    const app = await startTestApp({ env: { ...RATE, PREX_SUPABASE_URL: `http://127.0.0.1:${port}`, PREX_SUPABASE_ANON_KEY: 'anon' } });
    try {
      await makeStaff(app.db, app.tenant.id, 'agent@a.example', 'agent');
      const res = await signInWith(app, { accessToken: 'some-token' });
      expect(res.status).toBe(502);
      const { error } = await readJson(res);
      expect(error.code).toBe('auth_unavailable');
      expect(error.message).toMatch(/Supabase Auth could not be reached .* sign in with your password/);
    } finally {
      await app.close();
    }
  });
});

describe('Supabase sign-in, not configured', () => {
  it('is 404 with what to set, and the console is told only the password is offered', async () => {
    const app = await startTestApp({ env: RATE });
    try {
      const res = await signInWith(app, { accessToken: 'some-token' });
      expect(res.status).toBe(404);
      expect((await readJson(res)).error.message).toMatch(/Supabase sign-in is not configured on this server \(PREX_SUPABASE_URL, PREX_SUPABASE_ANON_KEY\): sign in with your email and password/);
      const status = await readJson<SetupStatusResponse>(await fetch(`${app.url}${STAFF_ACCESS_ROUTES.setup}`));
      expect(status.signIn).toEqual({ password: true, supabase: null });
    } finally {
      await app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, STAFF_ACCESS_ROUTES, STAFF_ROUTES, type AdminConversationResponse, type AdminEscalation, type StaffSessionResponse, type StaffTeamResponse } from '@prex/protocol';
import { startSmtpServer, type RunningSmtpServer } from '@prex/testing';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { history, newVisitor, type Visitor } from '../helpers/chat.js';
import { registeredRoutes, fillPath } from '../helpers/routes.js';
import { makeStaff, signedInStaff, staffBrowser, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's staff API against a real server on PGlite, with invitations delivered through a
 * real SMTP server on loopback: invite → accept → sign in → inbox → reply → sign out, the CSRF and
 * role refusals, and two tenants that never see each other's conversations.
 */

let smtp: RunningSmtpServer;
let a: TestApp;
let b: TestApp;
let ownerA: StaffBrowser;
let ownerB: StaffBrowser;

const env = () => ({ PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_SMTP_URL: smtp.url });

beforeAll(async () => {
  smtp = await startSmtpServer();
  a = await startTestApp({ env: env() });
  b = await startTestApp({ db: a.db, env: env() });
  ownerA = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@a.example', 'owner');
  ownerB = await signedInStaff(b.url, b.db, b.tenant.id, 'owner@b.example', 'owner');
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await smtp?.close();
});

const path = (pattern: string, params: Record<string, string>) => fillPath(pattern, (name) => encodeURIComponent(params[name]!));

/** A visitor of the app's tenant who asked for a person: their open escalation. */
async function escalatedVisitor(t: TestApp, reason = 'My parcel arrived broken'): Promise<{ visitor: Visitor; escalation: { id: string } }> {
  const visitor = await newVisitor({ url: t.url, publishableKey: t.publishableKey });
  const res = await fetch(`${t.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });
  if (res.status !== 201) throw new Error(`handoff → ${res.status}`);
  return { visitor, escalation: (await readJson(res)).escalation };
}

function linkIn(text: string): { link: string; token: string } {
  const link = text.match(/https?:\/\/\S+\/console\/accept-invite#token=([A-Za-z0-9_-]+)/);
  if (!link) throw new Error(`no invite link in: ${text}`);
  return { link: link[0], token: link[1]! };
}

describe('invite → accept → sign in → inbox → reply → sign out', () => {
  it('walks the whole flow of a new agent', async () => {
    // The owner invites an agent: the link arrives by mail, its token is stored only as a hash.
    const invited = await ownerA.call('POST', STAFF_ROUTES.invites, { email: ' New.Agent@A.example ', role: 'agent' });
    expect(invited.status).toBe(201);
    const { invite } = await readJson(invited);
    expect(invite).toMatchObject({ email: 'new.agent@a.example', role: 'agent' });
    const mail = await smtp.waitFor((m) => m.to.includes('new.agent@a.example'));
    expect(mail.subject).toBe('Join Acme on Prex');
    expect(mail.text).toContain('owner@a.example invited you');
    const { link, token } = linkIn(mail.text);
    expect(link.startsWith(`${a.url}/console/accept-invite#token=`)).toBe(true);
    expect(mail.html).toContain('accept-invite#token=');
    const stored = await a.db.query<{ token_hash: string }>('select token_hash from staff_invites where id = $1', [invite.id]);
    expect(stored[0]!.token_hash).not.toContain(token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    // Pending invites show on the team page until accepted.
    const team = await readJson<StaffTeamResponse>(await ownerA.call('GET', STAFF_ROUTES.team));
    expect(team.invites.map((i) => i.email)).toContain('new.agent@a.example');

    // Accepting sets the password, once.
    const password = 'correct horse battery staple';
    const accepted = await fetch(`${a.url}${STAFF_ROUTES.acceptInvite}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password }) });
    expect(accepted.status).toBe(201);
    expect((await readJson(accepted)).account).toMatchObject({ email: 'new.agent@a.example', role: 'agent', tenantId: a.tenant.id });
    const again = await fetch(`${a.url}${STAFF_ROUTES.acceptInvite}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'another password 123' }) });
    expect(again.status).toBe(400);
    expect((await readJson(again)).error.message).toMatch(/invalid, already used or expired/);

    // Sign in: an httpOnly, SameSite=Strict cookie for the staff API only (no Secure over plain http).
    const agent = staffBrowser(a.url);
    const login = await agent.login('new.agent@a.example', password);
    expect(login.status).toBe(200);
    const session = await readJson<StaffSessionResponse>(login);
    expect(session).toMatchObject({ account: { email: 'new.agent@a.example', role: 'agent' }, tenant: { id: a.tenant.id, name: 'Acme' }, csrfToken: expect.any(String) });
    expect(agent.setCookie).toMatch(/HttpOnly/);
    expect(agent.setCookie).toMatch(/SameSite=Strict/);
    expect(agent.setCookie).toMatch(/Path=\/v1\/staff/);
    expect(agent.setCookie).not.toMatch(/Secure/);
    const rows = await a.db.query<{ token_hash: string }>('select token_hash from staff_sessions s join staff_accounts a on a.id = s.staff_id where a.email = $1', ['new.agent@a.example']);
    expect(rows.map((r) => r.token_hash)).not.toContain(agent.cookie);

    // The inbox: a visitor asks for a person; the agent lists it, reads and answers it.
    const { visitor, escalation } = await escalatedVisitor(a);
    const list = await agent.call('GET', `${STAFF_ROUTES.escalations}?status=open`);
    expect(list.status).toBe(200);
    const escalations = (await readJson<{ escalations: AdminEscalation[] }>(list)).escalations;
    expect(escalations.map((e) => e.id)).toContain(escalation.id);
    const conversation = await agent.call('GET', path(STAFF_ROUTES.conversation, { sessionId: visitor.sessionId }));
    expect(conversation.status).toBe(200);
    expect((await readJson<AdminConversationResponse>(conversation)).escalations.map((e) => e.reason)).toEqual(['My parcel arrived broken']);
    const reply = await agent.call('POST', path(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'Sorry about that, a new one is on its way.' });
    expect(reply.status).toBe(201);
    const seen = await history(visitor);
    expect(seen.messages.at(-1)).toMatchObject({ role: 'assistant', text: 'Sorry about that, a new one is on its way.' });
    const resolved = await agent.call('PATCH', path(STAFF_ROUTES.escalation, { escalationId: escalation.id }), { status: 'resolved' });
    expect(resolved.status).toBe(200);
    expect((await readJson(resolved)).escalation.status).toBe('resolved');

    // Sign out: the same cookie no longer opens anything.
    const out = await agent.call('POST', STAFF_ROUTES.logout);
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/prex_staff=;/);
    const after = await agent.call('GET', STAFF_ROUTES.me);
    expect(after.status).toBe(401);
    expect((await readJson(after)).error.message).toMatch(/sign in again/);
  });

  it('logout everywhere ends every session of the account, and only its own', async () => {
    const { password } = await makeStaff(a.db, a.tenant.id, 'two.browsers@a.example', 'agent');
    const laptop = staffBrowser(a.url);
    const phone = staffBrowser(a.url);
    expect((await laptop.login('two.browsers@a.example', password)).status).toBe(200);
    expect((await phone.login('two.browsers@a.example', password)).status).toBe(200);
    const ended = await laptop.call('POST', STAFF_ROUTES.logoutEverywhere);
    expect(ended.status).toBe(200);
    expect(await readJson(ended)).toEqual({ endedSessions: 2 });
    expect((await phone.call('GET', STAFF_ROUTES.me)).status).toBe(401);
    expect((await laptop.call('GET', STAFF_ROUTES.me)).status).toBe(401);
    expect((await ownerA.call('GET', STAFF_ROUTES.me)).status).toBe(200);
  });

  it('an email that is staff of two tenants names the one to sign in to', async () => {
    const password = 'shared password for both';
    await makeStaff(a.db, a.tenant.id, 'both@example.com', 'agent', password);
    await makeStaff(b.db, b.tenant.id, 'both@example.com', 'agent', password);
    const browser = staffBrowser(a.url);
    const ambiguous = await browser.login('both@example.com', password);
    expect(ambiguous.status).toBe(409);
    expect((await readJson(ambiguous)).error.message).toContain(b.tenant.id);
    const chosen = await browser.login('both@example.com', password, { tenantId: b.tenant.id });
    expect(chosen.status).toBe(200);
    expect((await readJson(chosen)).tenant.id).toBe(b.tenant.id);
  });
});

describe('behind an https proxy, with PREX_PUBLIC_URL', () => {
  it('marks the cookie Secure, links invites to the public address and accepts requests from it', async () => {
    const c = await startTestApp({ db: a.db, env: { ...env(), PREX_TRUST_PROXY_HOPS: '1', PREX_PUBLIC_URL: 'https://support.example/ignored/path' } });
    try {
      const { password } = await makeStaff(c.db, c.tenant.id, 'owner@c.example', 'owner');
      const proxied = { 'x-forwarded-proto': 'https', origin: 'https://support.example' };
      const owner = staffBrowser(c.url);
      const login = await fetch(`${c.url}${STAFF_ROUTES.login}`, { method: 'POST', headers: { ...proxied, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@c.example', password }) });
      expect(login.status).toBe(200);
      const setCookie = login.headers.getSetCookie().find((line) => line.startsWith('prex_staff='))!;
      expect(setCookie).toMatch(/; Secure/);
      owner.cookie = setCookie.slice('prex_staff='.length).split(';')[0];
      owner.csrfToken = (await readJson<StaffSessionResponse>(login)).csrfToken;
      const invited = await owner.call('POST', STAFF_ROUTES.invites, { email: 'agent@c.example', role: 'agent' }, { headers: proxied });
      expect(invited.status).toBe(201);
      const mail = await smtp.waitFor((m) => m.to.includes('agent@c.example'));
      expect(linkIn(mail.text).link.startsWith('https://support.example/console/accept-invite#token=')).toBe(true);
    } finally {
      await c.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without the session\'s token, and changes nothing', async () => {
    const { visitor } = await escalatedVisitor(a);
    const replies = path(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId });
    const other = await signedInStaff(a.url, a.db, a.tenant.id, 'csrf.other@a.example', 'agent');
    for (const csrf of [null, 'forged', other.csrfToken!]) {
      const res = await ownerA.call('POST', replies, { text: 'hello' }, { csrf });
      expect(res.status).toBe(403);
      expect((await readJson(res)).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/CSRF token/) });
    }
    expect((await history(visitor)).messages.filter((m) => m.text === 'hello')).toEqual([]);
    // Reads need no token; the right one lets the write through.
    expect((await ownerA.call('GET', STAFF_ROUTES.me)).status).toBe(200);
    expect((await ownerA.call('POST', replies, { text: 'hello' })).status).toBe(201);
  });

  it('refuses requests a page of another origin sends, sign-in included', async () => {
    const login = await fetch(`${a.url}${STAFF_ROUTES.login}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: 'owner@a.example', password: 'whatever-password' }),
    });
    expect(login.status).toBe(403);
    expect((await readJson(login)).error.message).toMatch(/Origin https:\/\/evil.example may not call the staff API/);
    // No CORS headers: a page elsewhere could not read a staff response even if one were sent.
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
    const crossSite = await ownerA.call('POST', STAFF_ROUTES.logoutEverywhere, undefined, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect((await ownerA.call('GET', STAFF_ROUTES.me, undefined, { headers: { origin: a.url } })).status).toBe(200);
  });
});

describe('roles', () => {
  it('an agent cannot reach the team settings (403), an owner can', async () => {
    const agent = await signedInStaff(a.url, a.db, a.tenant.id, 'plain.agent@a.example', 'agent');
    for (const res of [await agent.call('GET', STAFF_ROUTES.team), await agent.call('POST', STAFF_ROUTES.invites, { email: 'x@a.example', role: 'agent' })]) {
      expect(res.status).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/needs the owner or admin role/);
    }
    const team = await ownerA.call('GET', STAFF_ROUTES.team);
    expect(team.status).toBe(200);
    expect((await readJson<StaffTeamResponse>(team)).accounts.map((x) => x.email)).toContain('plain.agent@a.example');
  });

  it('an admin invites agents but not owners or admins', async () => {
    const admin = await signedInStaff(a.url, a.db, a.tenant.id, 'admin@a.example', 'admin');
    const owner = await admin.call('POST', STAFF_ROUTES.invites, { email: 'boss@a.example', role: 'owner' });
    expect(owner.status).toBe(403);
    expect((await readJson(owner)).error.message).toMatch(/Only an owner can invite an owner/);
    expect((await admin.call('POST', STAFF_ROUTES.invites, { email: 'helper@a.example', role: 'agent' })).status).toBe(201);
  });

  it('inviting someone already on the team is a 409', async () => {
    const res = await ownerA.call('POST', STAFF_ROUTES.invites, { email: 'owner@a.example', role: 'agent' });
    expect(res.status).toBe(409);
  });
});

describe('tenant isolation', () => {
  it('staff of tenant B get 404 on every id of tenant A, and never its data', async () => {
    const { visitor, escalation } = await escalatedVisitor(a, 'Secret of tenant A');
    const attempts = [
      await ownerB.call('GET', path(STAFF_ROUTES.conversation, { sessionId: visitor.sessionId })),
      await ownerB.call('POST', path(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'from B' }),
      await ownerB.call('PATCH', path(STAFF_ROUTES.escalation, { escalationId: escalation.id }), { status: 'resolved' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('Secret of tenant A');
    }
    const listB = await readJson<{ escalations: AdminEscalation[] }>(await ownerB.call('GET', STAFF_ROUTES.escalations));
    expect(listB.escalations.map((e) => e.id)).not.toContain(escalation.id);
    const teamB = await readJson<StaffTeamResponse>(await ownerB.call('GET', STAFF_ROUTES.team));
    expect(teamB.accounts.map((x) => x.tenantId)).toEqual(teamB.accounts.map(() => b.tenant.id));
    // Nothing changed in A: no reply from B, the escalation still open.
    expect((await history(visitor)).messages.map((m) => m.text)).not.toContain('from B');
    const listA = await readJson<{ escalations: AdminEscalation[] }>(await ownerA.call('GET', `${STAFF_ROUTES.escalations}?status=open`));
    expect(listA.escalations.find((e) => e.id === escalation.id)?.status).toBe('open');
  });

  it('the secret key does not open staff routes, nor a staff cookie the admin API', async () => {
    expect((await a.request(STAFF_ROUTES.escalations, { headers: { authorization: `Bearer ${a.secretKey}` } })).status).toBe(401);
    expect((await a.request('/v1/admin/escalations', { headers: { cookie: `prex_staff=${ownerA.cookie}` } })).status).toBe(401);
  });
});

describe('bad input', () => {
  it('every staff route answers 401 without a session, with a message', async () => {
    const open = new Set<string>([STAFF_ROUTES.login, STAFF_ROUTES.acceptInvite, ...Object.values(STAFF_ACCESS_ROUTES)]);
    const routes = registeredRoutes(a.app).filter((r) => r.path.startsWith('/v1/staff/') && !open.has(r.path));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) {
      const res = await fetch(`${a.url}${fillPath(route.path, () => 'x')}`, { method: route.method, headers: { cookie: 'prex_staff=not-a-session' } });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect((await readJson(res)).error.message).toMatch(/Sign in first/);
    }
  });

  it('refuses malformed bodies, queries and ids with a 400 naming the problem', async () => {
    const login = (body: unknown) => fetch(`${a.url}${STAFF_ROUTES.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cases: Array<[Promise<Response>, RegExp]> = [
      [login({ email: 'not-an-email', password: 'x' }), /email is not a valid email address/],
      [login({ email: 'a@a.example' }), /password/],
      [login({ email: 'a@a.example', password: 'x', remember: true }), /remember/],
      [login({ email: 'a@a.example', password: 'x', tenantId: 'acme' }), /tenantId is not a tenant id/],
      [fetch(`${a.url}${STAFF_ROUTES.login}`, { method: 'POST', body: 'email=a' }), /Expected a JSON body/],
      [fetch(`${a.url}${STAFF_ROUTES.acceptInvite}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x'.repeat(43), password: 'short' }) }), /password must be at least 12 characters/],
      [fetch(`${a.url}${STAFF_ROUTES.acceptInvite}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'a b', password: 'long enough password' }) }), /token is not an invite token/],
      [ownerA.call('POST', STAFF_ROUTES.invites, { email: 'x@a.example', role: 'boss' }), /role must be "owner", "admin" or "agent"/],
      [ownerA.call('GET', `${STAFF_ROUTES.escalations}?limit=0`), /limit must be at least 1/],
      [ownerA.call('GET', path(STAFF_ROUTES.conversation, { sessionId: 'nope' })), /Invalid sessionId/],
      [ownerA.call('POST', path(STAFF_ROUTES.conversationReplies, { sessionId: 'ses_x' }), { text: '' }), /text is empty/],
      [ownerA.call('POST', STAFF_ROUTES.invites, { email: 'nul\u0000@a.example', role: 'agent' }), /NUL/],
    ];
    for (const [pending, message] of cases) {
      const res = await pending;
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(message);
    }
  });
});

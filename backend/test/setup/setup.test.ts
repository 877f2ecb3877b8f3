import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, STAFF_ACCESS_ROUTES, STAFF_ROUTES, TENANT_ADMIN_ROUTE, type SetupResponse } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { readJson, testConfig } from '../helpers/app.js';
import { openEngine, openMemoryDb, silentLog, slowOn, type Engine } from '../helpers/db.js';
import { staffBrowser } from '../helpers/staff.js';

/**
 * First-run setup against the real server on a database with no workspace: the console's one
 * step that makes the workspace and its owner, signs the owner in and shows the keys once; then
 * refused, also when two setups race (on PGlite, and on a Postgres server where two connections
 * really run at once).
 */

const SETUP = { workspaceName: 'Acme Support', origin: 'https://shop.acme.example', email: 'Founder@Acme.example', ownerName: ' Ada Founder ', password: 'a long enough passphrase' };

async function freshServer(db: Db): Promise<RunningServer> {
  return startServer({ config: testConfig({ PREX_RATE_LIMIT_PER_MINUTE: '100000' }), db, log: silentLog });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${STAFF_ACCESS_ROUTES.setup}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('prex_staff='))?.slice('prex_staff='.length).split(';')[0];

describe('first-run setup', () => {
  let db: Db;
  let server: RunningServer;

  beforeAll(async () => {
    db = await openMemoryDb();
    server = await freshServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('refuses what is not a workspace, an origin, an email or a long enough password, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...SETUP, workspaceName: '  ' }, /name is empty/],
      [{ ...SETUP, origin: 'shop.acme.example' }, /an origin is an http\(s\) URL/],
      [{ ...SETUP, email: 'not an email' }, /email is not a valid email address/],
      [{ ...SETUP, password: 'short' }, /password must be at least 12 characters/],
      [{ ...SETUP, ownerName: '' }, /ownerName is empty/],
      [{ ...SETUP, ownerName: 'x'.repeat(101) }, /ownerName is longer than 100 characters/],
      [{ ...SETUP, plan: 'pro' }, /plan/],
      [{ workspaceName: 'Acme' }, /origin|email|ownerName|password/],
    ];
    for (const [body, message] of cases) {
      const res = await post(server.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify((await readJson(res)).error), JSON.stringify(body)).toMatch(message);
    }
    const notJson = await fetch(`${server.url}${STAFF_ACCESS_ROUTES.setup}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(notJson.status).toBe(400);
    expect((await readJson(notJson)).error.message).toMatch(/Expected a JSON body with Content-Type: application\/json/);
    // Nothing was created by the refusals.
    expect(await readJson(await fetch(`${server.url}${STAFF_ACCESS_ROUTES.setup}`))).toEqual({ needed: true, signIn: { password: true, supabase: null } });
  });

  it('refuses a page of another site, and answers no CORS', async () => {
    const res = await post(server.url, SETUP, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}${STAFF_ACCESS_ROUTES.setup}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('creates the workspace and its owner, signed in, and shows the keys and the snippet once', async () => {
    expect(await readJson(await fetch(`${server.url}${STAFF_ACCESS_ROUTES.setup}`))).toEqual({ needed: true, signIn: { password: true, supabase: null } });

    const res = await post(server.url, SETUP, { origin: server.url });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await readJson<SetupResponse>(res);
    expect(body).toMatchObject({
      account: { email: 'founder@acme.example', name: 'Ada Founder', role: 'owner' },
      tenant: { name: 'Acme Support' },
      csrfToken: expect.any(String),
      publishableKey: expect.stringMatching(/^pk_/),
      secretKey: expect.stringMatching(/^sk_/),
    });
    expect(body.embedSnippet).toBe(`<script src="${server.url}${ROUTES.loaderScript}" data-prex-key="${body.publishableKey}" async></script>`);

    // The owner is signed in: the cookie and CSRF token work as after POST /v1/staff/login.
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('prex_staff='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const owner = staffBrowser(server.url);
    owner.cookie = cookieOf(res);
    owner.csrfToken = body.csrfToken;
    const me = await owner.call('GET', STAFF_ROUTES.me);
    expect(me.status).toBe(200);
    expect((await readJson(me))).toMatchObject({ tenant: body.tenant, account: { name: 'Ada Founder' } });
    const team = await owner.call('GET', STAFF_ROUTES.team);
    expect((await readJson(team)).accounts.map((a: { email: string }) => a.email)).toEqual(['founder@acme.example']);
    // The password works for a later sign-in too.
    expect((await staffBrowser(server.url).login(SETUP.email, SETUP.password)).status).toBe(200);

    // The secret key opens the admin API; the widget's key works from the site's origin only.
    const settings = await fetch(`${server.url}${TENANT_ADMIN_ROUTE}`, { headers: { authorization: `Bearer ${body.secretKey}` } });
    expect(settings.status).toBe(200);
    expect(await readJson(settings)).toMatchObject({ name: 'Acme Support', allowedOrigins: ['https://shop.acme.example'] });
    const widget = (origin: string) => fetch(`${server.url}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': body.publishableKey, origin } });
    expect((await widget('https://shop.acme.example')).status).toBe(200);
    expect((await widget('https://other.example')).status).toBe(403);

    // Only the hash of the key is stored.
    const keys = await db.query<{ key_hash: string }>('select key_hash from secret_keys where tenant_id = $1', [body.tenant.id]);
    expect(keys.map((k) => k.key_hash)).not.toContain(body.secretKey);
  });

  it('is refused once a workspace exists (409), and says so', async () => {
    expect(await readJson(await fetch(`${server.url}${STAFF_ACCESS_ROUTES.setup}`))).toEqual({ needed: false, signIn: { password: true, supabase: null } });
    const again = await post(server.url, { ...SETUP, workspaceName: 'Second', email: 'someone@else.example' });
    expect(again.status).toBe(409);
    expect(cookieOf(again)).toBeUndefined();
    expect((await readJson(again)).error.message).toMatch(/already set up: sign in to the console instead/);
    const tenants = await db.query<{ name: string }>('select name from tenants');
    expect(tenants.map((t) => t.name)).toEqual(['Acme Support']);
    expect((await db.query('select 1 from staff_accounts where email = $1', ['someone@else.example'])).length).toBe(0);
  });
});

describe('first-run setup, guessed at', () => {
  it('is rate limited per address like sign-in (429 with Retry-After), and nothing is created', async () => {
    const db = await openMemoryDb();
    const server = await startServer({ config: testConfig({ PREX_RATE_LIMIT_PER_MINUTE: '3' }), db, log: silentLog });
    try {
      for (let i = 0; i < 3; i++) expect((await post(server.url, { ...SETUP, password: 'short' })).status).toBe(400);
      const limited = await post(server.url, SETUP);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await readJson(limited)).error.message).toMatch(/Too many requests: at most 3 per minute from one address/);
      expect(await db.query('select 1 from tenants')).toEqual([]);
    } finally {
      await server.close();
      await db.close();
    }
  });
});

describe.each<Engine>(['pglite', 'postgres'])('two setups racing on %s', (engine) => {
  let opened: Awaited<ReturnType<typeof openEngine>>;
  let servers: RunningServer[] = [];

  afterEach(async () => {
    for (const s of servers) await s.close();
    servers = [];
    await opened?.close();
  });

  it('exactly one wins: one workspace, one owner; the others get 409', { timeout: 60_000 }, async () => {
    opened = await openEngine(engine);
    // Each setup dawdles before writing its workspace, so the racers' checks and writes overlap
    // (without the lock, several would see no workspace and each create one).
    const db = slowOn(opened.db, /^\s*insert into tenants/, 300);
    // Two instances on one database, as behind a load balancer.
    servers = [await freshServer(db), await freshServer(db)];
    const attempts = Array.from({ length: 6 }, (_, i) =>
      post(servers[i % 2]!.url, { ...SETUP, workspaceName: `Racer ${i}`, email: `racer${i}@acme.example` }),
    );
    const responses = await Promise.all(attempts);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = await readJson<SetupResponse>(responses.find((r) => r.status === 201)!);
    const tenants = await opened.db.query<{ id: string; name: string }>('select id, name from tenants');
    expect(tenants).toEqual([{ id: winner.tenant.id, name: winner.tenant.name }]);
    const accounts = await opened.db.query<{ email: string; role: string }>('select email, role from staff_accounts');
    expect(accounts).toEqual([{ email: winner.account.email, role: 'owner' }]);
  });
});

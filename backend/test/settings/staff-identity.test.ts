import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_ADMIN_ROUTES,
  IDENTITY_SECRET_ENV,
  IDENTITY_SNIPPETS,
  ROUTES,
  STAFF_SETTINGS_ROUTES as R,
  type CustomerSettingsResponse,
  type StaffRotateIdentitySecretResponse,
  type StaffSettingsResponse,
} from '@prex/protocol';
import { signUserId } from '../../src/customers/host-signature.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { adminCall, openWidget, startCustomersApp } from '../helpers/customers.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Signed identities from the console's Settings page: owners and admins switch "require signed
 * identities", only an owner rotates the identity secret (shown that once), and the server
 * snippets the page shows produce exactly what POST /v1/identity accepts.
 */

type Started = Awaited<ReturnType<typeof startCustomersApp>>;
const run = promisify(execFile);
const BACKEND = fileURLToPath(new URL('../../', import.meta.url));

let t: Started;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let otherOwner: StaffBrowser;
let otherSecretKey: string;

beforeAll(async () => {
  t = await startCustomersApp();
  owner = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'owner@identity.example', 'owner');
  admin = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'admin@identity.example', 'admin');
  agent = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'agent@identity.example', 'agent');
  const other = await makeTenant(t.app.db, 'Other');
  otherSecretKey = other.secretKey;
  otherOwner = await signedInStaff(t.app.url, t.app.db, other.tenant.id, 'owner@other-identity.example', 'owner');
});

afterAll(() => t?.close());

const adminSettings = async (secretKey = t.app.secretKey) =>
  readJson<CustomerSettingsResponse>(await fetch(`${t.app.url}${CUSTOMER_ADMIN_ROUTES.settings}`, { headers: { authorization: `Bearer ${secretKey}` } }));
const identify = async (body: unknown) => (await openWidget(t.app)).call('POST', ROUTES.identity, body);
const rotate = async (browser: StaffBrowser) => {
  const res = await browser.call('POST', R.rotateIdentitySecret);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await readJson<StaffRotateIdentitySecretResponse>(res)).identitySecret;
};

describe('staff settings: signed identities', () => {
  it('shows whether identities must be signed, never the secret itself', async () => {
    const secret = (await adminSettings()).identitySecret;
    const res = await admin.call('GET', R.settings);
    const text = await res.text();
    expect(JSON.parse(text).identity).toEqual({ requireSignedIdentity: false });
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/ids_/);
  });

  it('an admin requires signed identities: unsigned ones are refused, and the emails stay as they were', async () => {
    const emails = { summaryEmails: { toCustomer: false, tenantAddress: 'copy@shop.example' }, handoffEmails: { to: null } };
    expect((await owner.call('PUT', R.emails, emails)).status).toBe(200);
    expect((await identify({ userId: 'u-unsigned' })).status).toBe(200);

    const on = await admin.call('PUT', R.identity, { requireSignedIdentity: true });
    expect(on.status).toBe(200);
    const settings = await readJson<StaffSettingsResponse>(on);
    expect(settings.identity).toEqual({ requireSignedIdentity: true });
    expect(settings.emails).toEqual(emails);
    expect((await adminSettings()).settings.requireSignedIdentity).toBe(true);
    const refused = await identify({ userId: 'u-unsigned' });
    expect(refused.status).toBe(401);
    expect((await readJson(refused)).error.code).toBe('signature_required');

    expect((await owner.call('PUT', R.identity, { requireSignedIdentity: false })).status).toBe(200);
    expect((await identify({ userId: 'u-unsigned' })).status).toBe(200);
  });

  it('only the owner rotates the secret, shown once: the new one signs, the old one no longer does', async () => {
    const old = (await adminSettings()).identitySecret;
    const forbidden = await admin.call('POST', R.rotateIdentitySecret);
    expect(forbidden.status).toBe(403);
    expect((await readJson(forbidden)).error.message).toMatch(/needs the owner role/);
    expect((await adminSettings()).identitySecret).toBe(old);

    const fresh = await rotate(owner);
    expect(fresh).toMatch(/^ids_[A-Za-z0-9_-]{40,}$/);
    expect(fresh).not.toBe(old);
    expect((await adminSettings()).identitySecret).toBe(fresh);
    expect((await identify({ userId: 'u-new', signature: signUserId('u-new', fresh) })).status).toBe(200);
    const stale = await identify({ userId: 'u-old', signature: signUserId('u-old', old) });
    expect(stale.status).toBe(401);
    expect((await readJson(stale)).error.code).toBe('invalid_signature');
  });

  it('an agent gets 403; signed out 401; without the CSRF token nothing changes', async () => {
    for (const [method, path, body] of [['PUT', R.identity, { requireSignedIdentity: true }], ['POST', R.rotateIdentitySecret, undefined]] as const) {
      expect((await agent.call(method, path, body)).status, `${method} ${path}`).toBe(403);
      expect((await fetch(`${t.app.url}${path}`, { method })).status, `${method} ${path}`).toBe(401);
    }
    const before = (await adminSettings()).identitySecret;
    expect((await owner.call('POST', R.rotateIdentitySecret, undefined, { csrf: null })).status).toBe(403);
    expect((await adminSettings()).identitySecret).toBe(before);
    expect((await adminSettings()).settings.requireSignedIdentity).toBe(false);
  });

  it('refuses a malformed switch with a 400 that names the field', async () => {
    for (const body of [{}, { requireSignedIdentity: 'yes' }, { requireSignedIdentity: true, extra: 1 }]) {
      const res = await owner.call('PUT', R.identity, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(/requireSignedIdentity|extra/);
    }
  });

  it("another workspace's owner changes only their own workspace", async () => {
    const mine = await adminSettings();
    expect((await otherOwner.call('PUT', R.identity, { requireSignedIdentity: true })).status).toBe(200);
    const theirs = await rotate(otherOwner);
    expect(await adminSettings()).toEqual(mine);
    expect((await adminSettings(otherSecretKey)).identitySecret).toBe(theirs);
    expect((await adminSettings(otherSecretKey)).settings.requireSignedIdentity).toBe(true);
  });
});

describe('the identity snippets the Settings page shows', () => {
  let dir: string;
  let secret: string;
  beforeAll(async () => {
    // Inside the backend, so the JWT snippet's `import … from 'jose'` resolves as on a tenant's server.
    dir = await mkdtemp(join(BACKEND, 'test', '.snippets-'));
    secret = await rotate(owner);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const snippet = (language: string, method: string) => IDENTITY_SNIPPETS.find((s) => s.language === language && s.method === method)!.code;
  const env = () => ({ ...process.env, [IDENTITY_SECRET_ENV]: secret });

  /** Runs a Node snippet as a tenant's server would: its own module, the secret in the environment. */
  async function runNode(method: 'hmac' | 'jwt', call: string): Promise<Record<string, string>> {
    const file = join(dir, `${method}.mjs`);
    await writeFile(file, snippet('Node.js', method));
    const script = `import * as s from ${JSON.stringify(pathToFileURL(file).href)}; console.log(JSON.stringify(await s.${call}));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: env() });
    return JSON.parse(stdout);
  }

  it('every snippet reads the secret from the environment variable, never a literal', () => {
    expect(IDENTITY_SNIPPETS.map((s) => `${s.language} ${s.method}`)).toEqual(['Node.js hmac', 'Node.js jwt', 'Python hmac', 'Python jwt', 'PHP hmac', 'PHP jwt']);
    for (const s of IDENTITY_SNIPPETS) {
      expect(s.code, `${s.language} ${s.method}`).toContain(IDENTITY_SECRET_ENV);
      expect(s.code, `${s.language} ${s.method}`).not.toMatch(/ids_/);
    }
  });

  it("the Node HMAC snippet's signature is accepted by POST /v1/identity", async () => {
    const out = await runNode('hmac', `prexIdentity('user-snippet-1')`);
    expect(out).toEqual({ userId: 'user-snippet-1', signature: signUserId('user-snippet-1', secret) });
    const res = await identify(out);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ level: 'host', customer: { externalId: 'user-snippet-1' } });
  });

  it("the Node JWT snippet's token is accepted, with its email, name and verified attributes", async () => {
    const out = await runNode('jwt', `prexIdentityToken({ id: 42, email: 'ada@shop.example', name: 'Ada', attributes: { plan: 'Pro' } })`);
    expect(out.userId).toBe('42');
    const res = await identify(out);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({
      level: 'host',
      customer: { externalId: '42', email: 'ada@shop.example', name: 'Ada', attributes: { plan: 'Pro' }, verifiedAttributes: ['plan'] },
    });
  });

  it("the Python HMAC snippet's signature is accepted (when python3 is installed)", async (ctx) => {
    const python = await run('python3', ['--version']).then(() => true, () => false);
    if (!python) return ctx.skip();
    const script = `${snippet('Python', 'hmac')}\nimport json, sys\nprint(json.dumps(prex_identity(sys.argv[1])))`;
    const { stdout } = await run('python3', ['-c', script, 'user-snippet-py'], { env: env() });
    const res = await identify(JSON.parse(stdout));
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ level: 'host', customer: { externalId: 'user-snippet-py' } });
  });
});

// The admin API still reads the same secret the console rotated (one store, two doors).
it('the admin API and the console share one identity secret', async () => {
  const fresh = await rotate(owner);
  expect((await readJson<CustomerSettingsResponse>(await adminCall(t.app, 'GET', CUSTOMER_ADMIN_ROUTES.settings))).identitySecret).toBe(fresh);
});

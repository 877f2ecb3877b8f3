import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_ADMIN_ROUTES,
  ROUTES,
  SETTINGS_LIMITS,
  STAFF_SETTINGS_ROUTES as R,
  TENANT_ADMIN_ROUTE,
  type CustomerSettingsResponse,
  type StaffRotateSecretKeyResponse,
  type StaffSettingsResponse,
  type TenantSettingsResponse,
} from '@prex/protocol';
import { ALLOWED_ORIGIN, makeTenant, readJson, type TestApp, type TestTenant } from '../helpers/app.js';
import { signedInStaff, startStaffWorkspaces, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Settings page through the staff API: owners and admins manage the allowed origins
 * and notification emails, copy the snippet, and only owners rotate the secret key. Every route
 * serves the signed-in staff member's own workspace, and the changes are the admin API's own.
 */

let a: TestApp;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherOwner: StaffBrowser;

beforeAll(async () => {
  ({ app: a, owner, admin, agent, other, otherOwner } = await startStaffWorkspaces('settings'));
});

afterAll(async () => {
  await a?.close();
});

const originsQuery = (origin: string) => `${R.origins}?origin=${encodeURIComponent(origin)}`;
const adminGet = (secretKey: string, path: string) => fetch(`${a.url}${path}`, { headers: { authorization: `Bearer ${secretKey}` } });
const widgetConfigFrom = (publishableKey: string, origin: string) => fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': publishableKey, origin } });
const emailsBody = { summaryEmails: { toCustomer: false, tenantAddress: 'Support@Shop.example' }, handoffEmails: { to: 'oncall@shop.example' } };

describe('staff settings: roles', () => {
  it('an agent gets 403 from every route', async () => {
    const calls: Array<[string, string, unknown]> = [
      ['GET', R.settings, undefined],
      ['POST', R.origins, { origin: 'https://agent.example' }],
      ['DELETE', originsQuery(ALLOWED_ORIGIN), undefined],
      ['PUT', R.emails, emailsBody],
      ['POST', R.rotateSecretKey, { graceSeconds: 0 }],
    ];
    for (const [method, path, body] of calls) {
      const res = await agent.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/owner or admin|owner role/);
    }
    expect((await readJson<TenantSettingsResponse>(await adminGet(a.secretKey, TENANT_ADMIN_ROUTE))).allowedOrigins).toEqual([ALLOWED_ORIGIN]);
  });

  it('an admin reads the settings but may not rotate the secret key', async () => {
    const res = await admin.call('GET', R.settings);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const settings = await readJson<StaffSettingsResponse>(res);
    expect(settings).toMatchObject({ tenantId: a.tenant.id, name: 'Acme', publishableKey: a.publishableKey, allowedOrigins: [ALLOWED_ORIGIN] });
    expect(settings.embedSnippet).toBe(`<script src="${a.url}/loader.js" data-prex-key="${a.publishableKey}" async></script>`);
    expect(settings.emails).toEqual({ summaryEmails: { toCustomer: true, tenantAddress: null }, handoffEmails: { to: null } });

    const rotate = await admin.call('POST', R.rotateSecretKey, { graceSeconds: 0 });
    expect(rotate.status).toBe(403);
    expect((await readJson(rotate)).error.message).toMatch(/needs the owner role; your account's role is admin/);
    expect((await adminGet(a.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(200);
  });

  it('signed out, or without the CSRF token, nothing changes', async () => {
    expect((await fetch(`${a.url}${R.settings}`)).status).toBe(401);
    const noCsrf = await owner.call('POST', R.origins, { origin: 'https://nocsrf.example' }, { csrf: null });
    expect(noCsrf.status).toBe(403);
    expect((await readJson<StaffSettingsResponse>(await owner.call('GET', R.settings))).allowedOrigins).not.toContain('https://nocsrf.example');
  });
});

describe('staff settings: allowed origins', () => {
  it('an added origin may load the widget and the admin API sees it; a removed one may not', async () => {
    const blog = 'https://blog.shop.example:8443';
    expect((await widgetConfigFrom(a.publishableKey, blog)).status).toBe(403);

    const added = await admin.call('POST', R.origins, { origin: `${blog}/` });
    expect(added.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(added)).allowedOrigins).toEqual([ALLOWED_ORIGIN, blog]);
    // Adding it again changes nothing.
    expect((await readJson<StaffSettingsResponse>(await owner.call('POST', R.origins, { origin: blog }))).allowedOrigins).toEqual([ALLOWED_ORIGIN, blog]);
    expect((await widgetConfigFrom(a.publishableKey, blog)).status).toBe(200);
    expect((await readJson<TenantSettingsResponse>(await adminGet(a.secretKey, TENANT_ADMIN_ROUTE))).allowedOrigins).toEqual([ALLOWED_ORIGIN, blog]);

    const removed = await owner.call('DELETE', originsQuery(blog));
    expect(removed.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(removed)).allowedOrigins).toEqual([ALLOWED_ORIGIN]);
    expect((await widgetConfigFrom(a.publishableKey, blog)).status).toBe(403);

    const again = await owner.call('DELETE', originsQuery(blog));
    expect(again.status).toBe(404);
    expect((await readJson(again)).error.message).toBe(`${blog} is not an allowed origin of this workspace`);
  });

  it('refuses what is not an origin with a 400 that says what one is', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', R.origins, { origin: 'shop.example' }, /an origin is an http\(s\) URL such as https:\/\/shop\.example/],
      ['POST', R.origins, { origin: 'ftp://shop.example' }, /http\(s\) URL/],
      ['POST', R.origins, { origin: 'https://shop.example/checkout' }, /no path, query or user, such as https:\/\/shop\.example/],
      ['POST', R.origins, { origin: 'https://shop.example?ref=1' }, /no path, query or user/],
      ['POST', R.origins, {}, /origin/],
      ['POST', R.origins, { origin: 'https://x.example', extra: 1 }, /extra/],
      ['DELETE', R.origins, undefined, /origin is missing/],
      ['DELETE', originsQuery('not an origin'), undefined, /http\(s\) URL/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await owner.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(JSON.stringify(await readJson(res)), `${method} ${path} ${JSON.stringify(body)}`).toMatch(message);
    }
  });

  it(`keeps at most ${SETTINGS_LIMITS.maxOrigins} origins`, async () => {
    const many = await makeTenant(a.db, 'Many');
    const manager = await signedInStaff(a.url, a.db, many.tenant.id, 'owner@many.example', 'owner');
    for (let i = 1; i < SETTINGS_LIMITS.maxOrigins; i++) expect((await manager.call('POST', R.origins, { origin: `https://s${i}.many.example` })).status).toBe(200);
    const full = await manager.call('POST', R.origins, { origin: 'https://one-too-many.example' });
    expect(full.status).toBe(400);
    expect((await readJson(full)).error.message).toMatch(/already allows 50 origins.*remove one first/);
    // One already there is no addition.
    expect((await manager.call('POST', R.origins, { origin: 'https://s1.many.example' })).status).toBe(200);
  });
});

describe('staff settings: notification emails', () => {
  it('sets the summary and handoff addresses the admin API keeps, leaving signed identities alone', async () => {
    const put = await fetch(`${a.url}${CUSTOMER_ADMIN_ROUTES.settings}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${a.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requireSignedIdentity: true, summaryEmails: { toCustomer: true, tenantAddress: null } }),
    });
    expect(put.status).toBe(200);

    const res = await admin.call('PUT', R.emails, emailsBody);
    expect(res.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(res)).emails).toEqual({ summaryEmails: { toCustomer: false, tenantAddress: 'support@shop.example' }, handoffEmails: { to: 'oncall@shop.example' } });
    const stored = await readJson<CustomerSettingsResponse>(await adminGet(a.secretKey, CUSTOMER_ADMIN_ROUTES.settings));
    expect(stored.settings).toEqual({ requireSignedIdentity: true, summaryEmails: { toCustomer: false, tenantAddress: 'support@shop.example' }, handoffEmails: { to: 'oncall@shop.example' } });
  });

  it('refuses a bad address or a missing part with a 400 naming it', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...emailsBody, handoffEmails: { to: 'not-an-email' } }, /handoffEmails\.to/],
      [{ summaryEmails: emailsBody.summaryEmails }, /handoffEmails/],
      [{ ...emailsBody, summaryEmails: { toCustomer: 'yes', tenantAddress: null } }, /toCustomer must be true or false/],
    ];
    for (const [body, message] of cases) {
      const res = await owner.call('PUT', R.emails, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(message);
    }
  });
});

describe('staff settings: rotating the secret key', () => {
  it('refuses a grace that is not whole seconds within a week', async () => {
    for (const body of [{}, { graceSeconds: -1 }, { graceSeconds: 1.5 }, { graceSeconds: SETTINGS_LIMITS.maxGraceSeconds + 1 }, { graceSeconds: '60' }]) {
      const res = await owner.call('POST', R.rotateSecretKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res))).toMatch(/graceSeconds/);
    }
    expect((await adminGet(a.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(200);
  });

  it('with a grace, both keys work; with grace 0, the new key works on the admin API and every older one answers 401', async () => {
    const graceful = await owner.call('POST', R.rotateSecretKey, { graceSeconds: 3600 });
    expect(graceful.status).toBe(200);
    expect(graceful.headers.get('cache-control')).toBe('no-store');
    const first = await readJson<StaffRotateSecretKeyResponse>(graceful);
    expect(first.secretKey).toMatch(/^sk_[0-9a-f]{12}_[0-9a-f]{64}$/);
    expect(Date.parse(first.oldKeysExpireAt)).toBeGreaterThan(Date.now());
    expect((await adminGet(a.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(200);
    expect((await adminGet(first.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(200);

    const now = await readJson<StaffRotateSecretKeyResponse>(await owner.call('POST', R.rotateSecretKey, { graceSeconds: 0 }));
    const fresh = await adminGet(now.secretKey, TENANT_ADMIN_ROUTE);
    expect(fresh.status).toBe(200);
    expect((await readJson<TenantSettingsResponse>(fresh)).tenantId).toBe(a.tenant.id);
    expect((await adminGet(a.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(401);
    expect((await adminGet(first.secretKey, TENANT_ADMIN_ROUTE)).status).toBe(401);
    // The key is shown once: the settings never carry it.
    expect(JSON.stringify(await readJson(await owner.call('GET', R.settings)))).not.toContain(now.secretKey);
  });
});

describe('staff settings: tenant isolation', () => {
  it("another workspace's owner reads and changes only their own settings", async () => {
    const mine = await readJson<StaffSettingsResponse>(await otherOwner.call('GET', R.settings));
    expect(mine).toMatchObject({ tenantId: other.tenant.id, name: 'Other', publishableKey: other.publishableKey, allowedOrigins: [ALLOWED_ORIGIN] });
    expect(JSON.stringify(mine)).not.toContain(a.publishableKey);

    const before = await readJson<StaffSettingsResponse>(await owner.call('POST', R.origins, { origin: 'https://only-a.example' }));
    expect((await otherOwner.call('POST', R.origins, { origin: 'https://other.example' })).status).toBe(200);
    // Removing an origin only the first workspace has is "not yours": 404, and it stays.
    expect((await otherOwner.call('DELETE', originsQuery('https://only-a.example'))).status).toBe(404);
    expect((await otherOwner.call('DELETE', originsQuery(ALLOWED_ORIGIN))).status).toBe(200);
    expect((await otherOwner.call('PUT', R.emails, { summaryEmails: { toCustomer: true, tenantAddress: null }, handoffEmails: { to: 'other@other.example' } })).status).toBe(200);
    const rotated = await readJson<StaffRotateSecretKeyResponse>(await otherOwner.call('POST', R.rotateSecretKey, { graceSeconds: 0 }));
    expect((await adminGet(rotated.secretKey, TENANT_ADMIN_ROUTE).then(readJson<TenantSettingsResponse>)).tenantId).toBe(other.tenant.id);

    const after = await readJson<StaffSettingsResponse>(await owner.call('GET', R.settings));
    expect(after).toEqual(before);
    expect(after.allowedOrigins).toEqual([ALLOWED_ORIGIN, 'https://only-a.example']);
    expect(after.emails.handoffEmails.to).not.toBe('other@other.example');
    expect((await widgetConfigFrom(a.publishableKey, 'https://other.example')).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_ADMIN_ROUTES, customerExportSchema, customerMeResponseSchema, inboxConversationResponseSchema, ROUTES, STAFF_INBOX_ROUTES } from '@prex/protocol';
import { signUserId } from '../../src/customers/host-signature.js';
import { readJson } from '../helpers/app.js';
import { adminCall, hostToken, identitySecretOf, openWidget, requestCode, startCustomersApp, verifyEmail, type Widget } from '../helpers/customers.js';
import { inboxPath } from '../helpers/inbox.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Verified attributes: those in an identity JWT's `attributes` claim are signed by the host's
 * server and stored as verified; those in the identify body (beside an HMAC or a JWT alike) are
 * stored as unverified, can never change a verified one, and are refused outright where the tenant
 * requires signed identities. The visitor reads their own (GET /v1/customers/me, their export).
 * Real server, real PGlite, real JWTs.
 */

type Started = Awaited<ReturnType<typeof startCustomersApp>>;

let t: Started;
let secret: string;
let staff: StaffBrowser;

beforeAll(async () => {
  t = await startCustomersApp();
  secret = await identitySecretOf(t.app);
  staff = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'owner@verified.example', 'owner');
});
afterAll(() => t.close());

const hmac = (userId: string, extra: Record<string, unknown> = {}) => ({ userId, signature: signUserId(userId, secret), ...extra });
const jwt = async (userId: string, claimed?: unknown, extra: Record<string, unknown> = {}) => ({
  userId,
  token: await hostToken(secret, { sub: userId, ...(claimed !== undefined ? { attributes: claimed } : {}) }),
  ...extra,
});

async function identify(w: Widget, body: unknown): Promise<Response> {
  return w.call('POST', ROUTES.identity, body);
}

/** What the staff console shows beside the conversation. */
async function staffSees(sessionId: string): Promise<{ attributes: unknown; verifiedAttributes: unknown }> {
  const res = await staff.call('GET', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId }));
  expect(res.status).toBe(200);
  const customer = inboxConversationResponseSchema.parse(await readJson(res)).conversation.customer;
  return { attributes: customer?.attributes, verifiedAttributes: customer?.verifiedAttributes };
}

/** What the visitor reads of themselves. */
async function me(w: Widget) {
  const res = await w.call('GET', ROUTES.customerMe);
  expect(res.status).toBe(200);
  return customerMeResponseSchema.parse(await readJson(res));
}

describe('attributes signed in the identity token', () => {
  it("are stored as verified; the body's attributes beside the token are stored as unverified", async () => {
    const w = await openWidget(t.app);
    const res = await identify(w, await jwt('v-jwt', { plan: 'Pro', seats: 12 }, { attributes: { company: 'Acme' } }));
    expect(res.status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { plan: 'Pro', seats: 12, company: 'Acme' }, verifiedAttributes: ['plan', 'seats'] });
  });

  it('beside an HMAC, attributes are all unverified (the HMAC signs the user id only)', async () => {
    const w = await openWidget(t.app);
    expect((await identify(w, hmac('v-hmac', { attributes: { plan: 'Pro' } }))).status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { plan: 'Pro' }, verifiedAttributes: [] });
  });

  it.each([
    ['an HMAC', (userId: string, attributes: unknown) => Promise.resolve(hmac(userId, { attributes }))],
    ['a JWT', (userId: string, attributes: unknown) => jwt(userId, undefined, { attributes })],
  ])('an unsigned value beside %s cannot change or remove a verified one (400, nothing kept)', async (name, unsigned) => {
    const userId = `v-guard-${name.replace(/\W/g, '')}`;
    const w = await openWidget(t.app);
    expect((await identify(w, await jwt(userId, { plan: 'Free' }))).status).toBe(200);
    for (const forged of [{ plan: 'Enterprise', company: 'Acme' }, { plan: null }]) {
      const res = await identify(w, await unsigned(userId, forged));
      expect(res.status, JSON.stringify(forged)).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/attribute "plan" is verified .*an unsigned value cannot change it/);
    }
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { plan: 'Free' }, verifiedAttributes: ['plan'] });
    // The same value, unsigned, changes nothing and is fine; the key stays verified.
    expect((await identify(w, await unsigned(userId, { plan: 'Free', company: 'Acme' }))).status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { plan: 'Free', company: 'Acme' }, verifiedAttributes: ['plan'] });
  });

  it('a signed value replaces an unverified one and verifies it; a signed null removes a verified one', async () => {
    const w = await openWidget(t.app);
    await identify(w, hmac('v-upgrade', { attributes: { plan: 'Enterprise', company: 'Acme' } }));
    expect((await identify(w, await jwt('v-upgrade', { plan: 'Free' }))).status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { plan: 'Free', company: 'Acme' }, verifiedAttributes: ['plan'] });
    expect((await identify(w, await jwt('v-upgrade', { plan: null }))).status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { company: 'Acme' }, verifiedAttributes: [] });
    // Removed, the key is free for an unsigned value again.
    expect((await identify(w, hmac('v-upgrade', { attributes: { plan: 'Pro' } }))).status).toBe(200);
    expect(await staffSees(w.sessionId)).toEqual({ attributes: { company: 'Acme', plan: 'Pro' }, verifiedAttributes: [] });
  });

  it('a key both signed and sent unsigned with another value in one request is refused', async () => {
    const w = await openWidget(t.app);
    const res = await identify(w, await jwt('v-both', { plan: 'Free' }, { attributes: { plan: 'Enterprise' } }));
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/attribute "plan" is verified/);
    expect(await me(w)).toMatchObject({ level: 'anonymous', customer: null });
  });

  it("holds the token's attributes claim to the same limits, with a 400 naming the claim and the key", async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    const cases: Array<[unknown, RegExp]> = [
      [{ Plan: 'Pro' }, /token's attributes claim: Plan: attribute "Plan": a key is a lower-case letter/],
      [{ plan: 'x'.repeat(201) }, /attribute "plan": a string is at most 200 characters/],
      [{ address: { city: 'Oslo' } }, /attribute "address": a value is a string, a number, a boolean or null/],
      [tooMany, /at most 20 attributes \(got 21\)/],
      ['plan=Pro', /token's attributes claim: attributes must be an object/],
      [['Pro'], /attributes must be an object/],
    ];
    for (const [claimed, message] of cases) {
      const w = await openWidget(t.app);
      const res = await identify(w, await jwt('v-limits', claimed));
      expect(res.status, JSON.stringify(claimed)).toBe(400);
      expect((await readJson(res)).error.message).toMatch(message);
      expect(await me(w)).toMatchObject({ level: 'anonymous', customer: null });
    }
  });

  it('refuses prototype-pollution keys in the body and in the claim, by name, instead of dropping them', async () => {
    // JSON.parse makes "__proto__" an own key, as a body or a JWT payload would carry it.
    const polluting = JSON.parse('{"__proto__": {"admin": true}, "plan": "Pro"}') as unknown;
    const bodies = [hmac('v-proto', { attributes: polluting }), await jwt('v-proto', polluting), hmac('v-proto', { attributes: { constructor: 'x' } }), await jwt('v-proto', { prototype: 1 })];
    for (const body of bodies) {
      const w = await openWidget(t.app);
      const res = await identify(w, body);
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/attribute "(__proto__|constructor|prototype)": a reserved name/);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('accepts a token with 20 attributes of 200 characters (the token limit leaves room for them)', async () => {
    const full = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key_${i}_${'x'.repeat(30)}`, 'é'.repeat(200)]));
    const w = await openWidget(t.app);
    const body = await jwt('v-full', full);
    expect(body.token.length).toBeGreaterThan(4096);
    expect((await identify(w, body)).status).toBe(200);
    expect((await me(w)).customer?.verifiedAttributes).toHaveLength(20);
  });
});

describe('a tenant that requires signed identities', () => {
  let strict: Started;
  let strictSecret: string;
  beforeAll(async () => {
    strict = await startCustomersApp({ db: t.app.db });
    strictSecret = await identitySecretOf(strict.app);
    const put = await adminCall(strict.app, 'PUT', CUSTOMER_ADMIN_ROUTES.settings, { requireSignedIdentity: true, summaryEmails: { toCustomer: false, tenantAddress: null } });
    expect(put.status).toBe(200);
  });
  afterAll(() => strict.close());

  it.each([
    ['an HMAC', async (userId: string) => ({ userId, signature: signUserId(userId, strictSecret), attributes: { plan: 'Pro' } })],
    ['a JWT', async (userId: string) => ({ userId, token: await hostToken(strictSecret, { sub: userId }), attributes: { plan: 'Pro' } })],
  ])('refuses unsigned attributes beside %s with 401 signature_required, and links nothing', async (_name, body) => {
    const w = await openWidget(strict.app);
    const res = await identify(w, await body('strict-user'));
    expect(res.status).toBe(401);
    const error = (await readJson(res)).error;
    expect(error.code).toBe('signature_required');
    expect(error.message).toMatch(/unsigned attributes are refused: put them in the identity token's attributes claim/);
    expect(await me(w)).toMatchObject({ level: 'anonymous', customer: null });
  });

  it("keeps the token's signed attributes as verified", async () => {
    const w = await openWidget(strict.app);
    const res = await identify(w, { userId: 'strict-jwt', token: await hostToken(strictSecret, { sub: 'strict-jwt', attributes: { plan: 'Pro' } }) });
    expect(res.status).toBe(200);
    expect((await me(w)).customer).toMatchObject({ attributes: { plan: 'Pro' }, verifiedAttributes: ['plan'] });
  });
});

describe("the visitor's own attributes", () => {
  it('GET /v1/customers/me returns them with which are verified; an anonymous visitor has none', async () => {
    const w = await openWidget(t.app);
    await identify(w, await jwt('v-me', { plan: 'Pro' }, { attributes: { company: 'Acme' } }));
    expect((await me(w)).customer).toMatchObject({ externalId: 'v-me', attributes: { plan: 'Pro', company: 'Acme' }, verifiedAttributes: ['plan'] });
    // The same user on another device reads the same.
    const other = await openWidget(t.app);
    await identify(other, hmac('v-me'));
    expect((await me(other)).customer).toMatchObject({ attributes: { plan: 'Pro', company: 'Acme' }, verifiedAttributes: ['plan'] });
    expect(await me(await openWidget(t.app))).toMatchObject({ level: 'anonymous', customer: null });
  });

  it('another visitor of the tenant reads only their own', async () => {
    const alice = await openWidget(t.app);
    await identify(alice, await jwt('v-alice', { plan: 'Enterprise', company: 'Alice Corp' }));
    const bob = await openWidget(t.app);
    await identify(bob, hmac('v-bob', { attributes: { plan: 'Free' } }));
    const seen = await bob.call('GET', ROUTES.customerMe);
    const text = await seen.text();
    expect(customerMeResponseSchema.parse(JSON.parse(text)).customer).toMatchObject({ externalId: 'v-bob', attributes: { plan: 'Free' }, verifiedAttributes: [] });
    expect(text).not.toContain('Alice Corp');
  });

  it("another tenant's visitor with the same user id reads their tenant's customer, and a session token does not open another tenant", async () => {
    const w = await openWidget(t.app);
    await identify(w, await jwt('v-shared-id', { company: 'Tenant A secret' }));
    const other = await startCustomersApp({ db: t.app.db });
    try {
      const otherSecret = await identitySecretOf(other.app);
      const elsewhere = await openWidget(other.app);
      await identify(elsewhere, { userId: 'v-shared-id', signature: signUserId('v-shared-id', otherSecret) });
      const res = await elsewhere.call('GET', ROUTES.customerMe);
      const text = await res.text();
      expect(customerMeResponseSchema.parse(JSON.parse(text)).customer).toMatchObject({ externalId: 'v-shared-id', attributes: {}, verifiedAttributes: [] });
      expect(text).not.toContain('Tenant A secret');
      // Tenant A's session token with tenant B's publishable key is not a session of B.
      const crossed = await openWidget(other.app, w.token);
      const refused = await crossed.call('GET', ROUTES.customerMe);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('Tenant A secret');
    } finally {
      await other.close();
    }
  });

  it("are in the visitor's own data export and the tenant's, with which are verified", async () => {
    const w = await openWidget(t.app);
    const linked = await readJson(await identify(w, await jwt('v-export', { plan: 'Pro' }, { attributes: { company: 'Acme' } })));
    await verifyEmail(w, t.smtp, 'v-export@example.com');
    const code = await requestCode(w, t.smtp, 'v-export@example.com', 'export');
    const res = await w.call('POST', ROUTES.customerExport, { code });
    expect(res.status).toBe(200);
    const own = customerExportSchema.parse(await readJson(res));
    expect(own.customer).toMatchObject({ id: linked.customer.id, attributes: { plan: 'Pro', company: 'Acme' }, verifiedAttributes: ['plan'] });
    const path = CUSTOMER_ADMIN_ROUTES.customerExport.replace(':customerId', linked.customer.id);
    const tenants = customerExportSchema.parse(await readJson(await adminCall(t.app, 'GET', path)));
    expect(tenants.customer).toMatchObject({ attributes: { plan: 'Pro', company: 'Acme' }, verifiedAttributes: ['plan'] });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import { signUserId } from '../../src/customers/host-signature.js';
import { readJson } from '../helpers/app.js';
import { adminCall, hostToken, identitySecretOf, openWidget, startCustomersApp } from '../helpers/customers.js';

type Started = Awaited<ReturnType<typeof startCustomersApp>>;

describe('the identity ladder: host-signed identities', () => {
  let t: Started;
  let secret: string;
  beforeAll(async () => {
    t = await startCustomersApp();
    secret = await identitySecretOf(t.app);
  });
  afterAll(() => t.close());

  const identify = async (body: unknown) => {
    const w = await openWidget(t.app);
    return { w, res: await w.call('POST', ROUTES.identity, body) };
  };

  it('starts anonymous', async () => {
    const w = await openWidget(t.app);
    const res = await w.call('GET', ROUTES.customerMe);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ level: 'anonymous', customer: null, phoneVerification: false });
  });

  it('moves to host with an HMAC of the user id, and the same user on two devices is one customer', async () => {
    const first = await identify({ userId: 'user-42', signature: signUserId('user-42', secret), name: 'Ada' });
    expect(first.res.status).toBe(200);
    const body = await readJson(first.res);
    expect(body).toMatchObject({ level: 'host', customer: { externalId: 'user-42', name: 'Ada', emailVerified: false } });
    const second = await identify({ userId: 'user-42', signature: signUserId('user-42', secret) });
    expect((await readJson(second.res)).customer.id).toBe(body.customer.id);
    const me = await readJson(await first.w.call('GET', ROUTES.customerMe));
    expect(me).toMatchObject({ level: 'host', customer: { id: body.customer.id } });
  });

  it('moves to host with an HS256 JWT; its email is kept as asserted, not verified', async () => {
    const token = await hostToken(secret, { sub: 'user-jwt', email: 'Jo@Example.com', name: 'Jo' });
    const { res } = await identify({ userId: 'user-jwt', token });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ level: 'host', customer: { externalId: 'user-jwt', email: 'jo@example.com', emailVerified: false, name: 'Jo' } });
  });

  it('ignores an unsigned email beside an HMAC signature (the HMAC covers the user id only)', async () => {
    const { res } = await identify({ userId: 'user-hmac-mail', signature: signUserId('user-hmac-mail', secret), email: 'victim@example.com' });
    expect((await readJson(res)).customer.email).toBeNull();
  });

  it.each([
    ['a forged HMAC', async () => ({ userId: 'user-1', signature: signUserId('user-1', 'not-the-secret') })],
    ['an HMAC of another user id', async () => ({ userId: 'user-1', signature: signUserId('user-2', secret) })],
    ['a JWT signed with another key', async () => ({ userId: 'user-1', token: await hostToken('another-secret-another-secret-123', { sub: 'user-1' }) })],
    ['an expired JWT', async () => ({ userId: 'user-1', token: await hostToken(secret, { sub: 'user-1' }, Math.floor(Date.now() / 1000) - 3600) })],
    ['a JWT without exp', async () => ({ userId: 'user-1', token: await hostToken(secret, { sub: 'user-1' }, 0) })],
    ['a JWT valid for more than 24 h', async () => ({ userId: 'user-1', token: await hostToken(secret, { sub: 'user-1' }, '48h') })],
    ['a JWT for another user', async () => ({ userId: 'user-1', token: await hostToken(secret, { sub: 'user-2' }) })],
    ['a JWT with alg HS512', async () => ({ userId: 'user-1', token: await hostToken(secret, { sub: 'user-1' }, '1h', 'HS512') })],
    ['an unsigned JWT (alg none)', async () => ({ userId: 'user-1', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 600 })}.` })],
  ])('refuses %s with 401 invalid_signature, links nothing, and counts it', async (_name, makeBody) => {
    const before = await invalidSignatureCount();
    const { w, res } = await identify(await makeBody());
    expect(res.status).toBe(401);
    const body = await readJson(res);
    expect(body.error.code).toBe('invalid_signature');
    expect(body.error.message).toMatch(/signature|token/i);
    expect(await readJson(await w.call('GET', ROUTES.customerMe))).toEqual({ level: 'anonymous', customer: null, phoneVerification: false });
    expect(await invalidSignatureCount()).toBe(before + 1);
  });

  it('rejects malformed bodies with a 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ signature: 'ab' }, 'userId'],
      [{ userId: 'u', signature: 'not-hex' }, 'signature'],
      [{ userId: 'u', signature: signUserId('u', secret), token: 'x.y.z' }, 'either signature or token'],
      [{ userId: 'u', extra: 1 }, 'extra'],
    ];
    for (const [body, mention] of cases) {
      const { res } = await identify(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await readJson(res))).toContain(mention);
    }
  });

  it('accepts an unsigned identity only as a no-op, and refuses it once the tenant requires signing', async () => {
    const unsigned = await identify({ userId: 'user-unsigned', name: 'Eve' });
    expect(unsigned.res.status).toBe(200);
    expect(await readJson(unsigned.res)).toEqual({ level: 'anonymous', customer: null });
    const customers = await readJson(await adminCall(t.app, 'GET', '/v1/admin/customers'));
    expect(customers.customers.some((c: { externalId: string | null }) => c.externalId === 'user-unsigned')).toBe(false);

    const put = await adminCall(t.app, 'PUT', '/v1/admin/customer-settings', { requireSignedIdentity: true, summaryEmails: { toCustomer: false, tenantAddress: null } });
    expect(put.status).toBe(200);
    try {
      const refused = await identify({ userId: 'user-unsigned' });
      expect(refused.res.status).toBe(401);
      expect((await readJson(refused.res)).error.code).toBe('signature_required');
      const signed = await identify({ userId: 'user-signed', signature: signUserId('user-signed', secret) });
      expect(signed.res.status).toBe(200);
    } finally {
      await adminCall(t.app, 'PUT', '/v1/admin/customer-settings', { requireSignedIdentity: false, summaryEmails: { toCustomer: false, tenantAddress: null } });
    }
  });

  it('refuses to move a session signed in as one user over to another user (409), keeping the first link', async () => {
    const { w } = await identify({ userId: 'alice', signature: signUserId('alice', secret) });
    const res = await w.call('POST', ROUTES.identity, { userId: 'mallory', signature: signUserId('mallory', secret) });
    expect(res.status).toBe(409);
    expect((await readJson(await w.call('GET', ROUTES.customerMe))).customer.externalId).toBe('alice');
  });

  it('rotating the identity secret invalidates signatures made with the old one', async () => {
    const old = secret;
    const rotated = await readJson(await adminCall(t.app, 'POST', '/v1/admin/identity-secret/rotate'));
    expect(rotated.identitySecret).not.toBe(old);
    secret = rotated.identitySecret;
    expect((await identify({ userId: 'rot', signature: signUserId('rot', old) })).res.status).toBe(401);
    expect((await identify({ userId: 'rot', signature: signUserId('rot', secret) })).res.status).toBe(200);
  });

  it("keeps tenants apart: another tenant's secret does not sign for this one", async () => {
    const other = await startCustomersApp({ db: t.app.db });
    try {
      const otherSecret = await identitySecretOf(other.app);
      expect(otherSecret).not.toBe(secret);
      const { res } = await identify({ userId: 'cross', signature: signUserId('cross', otherSecret) });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });

  async function invalidSignatureCount(): Promise<number> {
    const res = await adminCall(t.app, 'GET', `/v1/admin/auth-events?since=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`);
    return (await readJson(res)).counts.invalid_signature ?? 0;
  }
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

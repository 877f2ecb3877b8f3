import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import { signUserId } from '../../src/customers/host-signature.js';
import { customerOfSession } from '../../src/customers/index.js';
import { identityLevelOf } from '../../src/conversations/session-identity.js';
import { customerSettings } from '../../src/customers/settings.js';
import { readJson } from '../helpers/app.js';
import { openEngine, type Engine } from '../helpers/db.js';
import { adminCall, chat, hostToken, identitySecretOf, openWidget, requestCode, startCustomersApp, verifyEmail, widgetWith } from '../helpers/customers.js';

type Started = Awaited<ReturnType<typeof startCustomersApp>>;

describe.each<Engine>(['pglite', 'postgres'])('verified customers on %s: profiles and conversations on every device', (engine) => {
  let t: Started;
  let closeDb: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openEngine(engine);
    closeDb = opened.close;
    t = await startCustomersApp({ db: opened.db });
  });
  afterAll(async () => {
    await t.close();
    await closeDb();
  });

  it('after verifying on a new device, the customer sees and opens their past conversations', async () => {
    const laptop = await openWidget(t.app);
    await chat(laptop, 'How do refunds work?');
    await verifyEmail(laptop, t.smtp, 'traveller@example.com');

    const phone = await openWidget(t.app);
    const verified = await verifyEmail(phone, t.smtp, 'Traveller@Example.com');
    expect(verified.conversations).toHaveLength(1);
    const [past] = verified.conversations;
    expect(past).toMatchObject({ sessionId: laptop.sessionId, title: 'How do refunds work?', messageCount: 2 });

    // The fresh token opens the laptop's conversation on the phone.
    const history = await widgetWith(t.app, past.sessionId, past.token).call('GET', ROUTES.history);
    expect(history.status).toBe(200);
    const messages = (await readJson(history)).messages;
    expect(messages[0]).toMatchObject({ role: 'user', text: 'How do refunds work?' });

    const listed = await readJson(await phone.call('GET', ROUTES.customerConversations));
    expect(listed.conversations.map((c: { sessionId: string }) => c.sessionId)).toEqual([laptop.sessionId]);
  });

  it('anonymous sessions list no conversations and cannot edit a profile', async () => {
    const w = await openWidget(t.app);
    expect(await readJson(await w.call('GET', ROUTES.customerConversations))).toEqual({ conversations: [] });
    const patch = await w.call('PATCH', ROUTES.customerMe, { name: 'Nobody' });
    expect(patch.status).toBe(403);
    expect((await readJson(patch)).error.code).toBe('verification_required');
  });

  it('a verified customer edits their name, preferences and interests; bad input is a 400 naming the field', async () => {
    const w = await openWidget(t.app);
    await verifyEmail(w, t.smtp, 'editor@example.com');
    const res = await w.call('PATCH', ROUTES.customerMe, { name: 'Edith', preferences: { language: 'fr', newsletter: false }, interests: ['bikes', 'tents'] });
    expect(res.status).toBe(200);
    expect((await readJson(res)).customer).toMatchObject({ name: 'Edith', preferences: { language: 'fr', newsletter: false }, interests: ['bikes', 'tents'] });
    const partial = await readJson(await w.call('PATCH', ROUTES.customerMe, { interests: ['kayaks'] }));
    expect(partial.customer).toMatchObject({ name: 'Edith', interests: ['kayaks'], preferences: { language: 'fr' } });
    for (const [body, field] of [
      [{}, 'at least one'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ interests: 'bikes' }, 'interests'],
      [{ preferences: { nested: { deep: 1 } } }, 'preferences'],
      [{ notes: 'I am a VIP' }, 'notes'],
    ] as const) {
      const bad = await w.call('PATCH', ROUTES.customerMe, body);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await readJson(bad))).toContain(field);
    }
  });

  it('a host-signed customer without an email gets the email they verify; customerOfSession reports it', async () => {
    const secret = await identitySecretOf(t.app);
    const w = await openWidget(t.app);
    await w.call('POST', ROUTES.identity, { userId: 'host-7', signature: signUserId('host-7', secret) });
    expect(await identityLevelOf(t.app.db, t.app.tenant.id, w.sessionId)).toBe('host');
    const verified = await verifyEmail(w, t.smtp, 'host7@example.com');
    expect(verified.customer).toMatchObject({ externalId: 'host-7', email: 'host7@example.com', emailVerified: true });
    const profile = await customerOfSession(t.app.db, t.app.tenant.id, w.sessionId);
    expect(profile).toMatchObject({ id: verified.customer.id, externalId: 'host-7', email: 'host7@example.com' });
    expect(profile!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await identityLevelOf(t.app.db, t.app.tenant.id, w.sessionId)).toBe('email');
  });

  it('customerOfSession is null for an anonymous session and for another tenant', async () => {
    const w = await openWidget(t.app);
    expect(await customerOfSession(t.app.db, t.app.tenant.id, w.sessionId)).toBeNull();
    await verifyEmail(w, t.smtp, 'scoped@example.com');
    expect(await customerOfSession(t.app.db, t.app.tenant.id, w.sessionId)).not.toBeNull();
    const other = await startCustomersApp({ db: t.app.db });
    try {
      expect(await customerOfSession(t.app.db, other.app.tenant.id, w.sessionId)).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('refuses (409) to verify a second email on a session that already belongs to another customer', async () => {
    const w = await openWidget(t.app);
    await verifyEmail(w, t.smtp, 'first@example.com');
    const other = await openWidget(t.app);
    await verifyEmail(other, t.smtp, 'second@example.com');
    const code = await requestCode(w, t.smtp, 'second@example.com');
    const res = await w.call('POST', ROUTES.emailCodeVerify, { email: 'second@example.com', code });
    expect(res.status).toBe(409);
    expect((await readJson(await w.call('GET', ROUTES.customerMe))).customer.email).toBe('first@example.com');
  });

  it('a host-asserted email never lets its holder see the conversations of whoever owns the mailbox', async () => {
    const secret = await identitySecretOf(t.app);
    // An impostor's host account claims the victim's email (the host did not verify it).
    const impostor = await openWidget(t.app);
    const token = await hostToken(secret, { sub: 'impostor', email: 'owner-of-box@example.com' });
    await impostor.call('POST', ROUTES.identity, { userId: 'impostor', token });
    // The real owner chats and proves the mailbox.
    const owner = await openWidget(t.app);
    await chat(owner, 'My private question');
    await verifyEmail(owner, t.smtp, 'owner-of-box@example.com');
    const seen = await readJson(await impostor.call('GET', ROUTES.customerConversations));
    expect(seen.conversations).toEqual([]);
    expect((await readJson(await impostor.call('GET', ROUTES.customerMe))).customer.email).toBeNull();
  });

  it('tenant isolation: another tenant cannot see or administer these customers', async () => {
    const w = await openWidget(t.app);
    const verified = await verifyEmail(w, t.smtp, 'isolated@example.com');
    const other = await startCustomersApp({ db: t.app.db });
    try {
      const byEmail = await readJson(await adminCall(other.app, 'GET', '/v1/admin/customers?email=isolated@example.com'));
      expect(byEmail.customers).toEqual([]);
      expect((await adminCall(other.app, 'GET', `/v1/admin/customers/${verified.customer.id}`)).status).toBe(404);
      expect((await adminCall(other.app, 'GET', `/v1/admin/customers/${verified.customer.id}/export`)).status).toBe(404);
      expect((await adminCall(other.app, 'DELETE', `/v1/admin/customers/${verified.customer.id}`)).status).toBe(404);
      // Our session token is refused by the other tenant's key.
      const foreign = await fetch(`${other.app.url}${ROUTES.customerMe}`, { headers: { 'x-prex-key': other.app.publishableKey, authorization: `Bearer ${w.token}` } });
      expect(foreign.status).toBe(401);
      const mine = await readJson(await adminCall(t.app, 'GET', '/v1/admin/customers?email=ISOLATED@example.com'));
      expect(mine.customers).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('customer settings (secret key)', () => {
  let t: Started;
  beforeAll(async () => {
    t = await startCustomersApp();
  });
  afterAll(() => t.close());

  it('reads defaults and an identity secret generated on first need, never through the publishable key', async () => {
    const res = await adminCall(t.app, 'GET', '/v1/admin/customer-settings');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.settings).toEqual({ requireSignedIdentity: false, summaryEmails: { toCustomer: true, tenantAddress: null }, handoffEmails: { to: null } });
    expect(body.identitySecret).toMatch(/^ids_[A-Za-z0-9_-]{40,}$/);
    expect((await readJson(await adminCall(t.app, 'GET', '/v1/admin/customer-settings'))).identitySecret).toBe(body.identitySecret);
    const withPk = await fetch(`${t.app.url}/v1/admin/customer-settings`, { headers: { authorization: `Bearer ${t.app.publishableKey}` } });
    expect(withPk.status).toBe(401);
    const config = await readJson(await t.app.request('/v1/widget/config', { key: true }));
    expect(JSON.stringify(config)).not.toContain(body.identitySecret);
  });

  it('saves valid settings, exposes them to the email feature, and refuses bad ones with a 400', async () => {
    const settings = { requireSignedIdentity: true, summaryEmails: { toCustomer: true, tenantAddress: ' Support@Shop.example ' } };
    const res = await adminCall(t.app, 'PUT', '/v1/admin/customer-settings', settings);
    expect(res.status).toBe(200);
    expect((await readJson(res)).settings.summaryEmails.tenantAddress).toBe('support@shop.example');
    expect(await customerSettings(t.app.db, t.app.tenant.id)).toEqual({
      requireSignedIdentity: true,
      summaryEmails: { toCustomer: true, tenantAddress: 'support@shop.example' },
      handoffEmails: { to: null },
    });
    for (const [body, field] of [
      [{ requireSignedIdentity: 'yes', summaryEmails: { toCustomer: true, tenantAddress: null } }, 'requireSignedIdentity'],
      [{ requireSignedIdentity: true, summaryEmails: { toCustomer: true, tenantAddress: 'nope' } }, 'tenantAddress'],
      [{ requireSignedIdentity: true }, 'summaryEmails'],
    ] as const) {
      const bad = await adminCall(t.app, 'PUT', '/v1/admin/customer-settings', body);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await readJson(bad))).toContain(field);
    }
  });

  it('the tenant keeps notes on a customer; the customer never sees them', async () => {
    const w = await openWidget(t.app);
    const { customer } = await verifyEmail(w, t.smtp, 'noted@example.com');
    const res = await adminCall(t.app, 'PATCH', `/v1/admin/customers/${customer.id}`, { notes: 'Prefers phone calls', interests: ['tents'] });
    expect(res.status).toBe(200);
    expect((await readJson(res)).customer).toMatchObject({ notes: 'Prefers phone calls', interests: ['tents'], sessionCount: 1 });
    const mine = await readJson(await w.call('GET', ROUTES.customerMe));
    expect(mine.customer.interests).toEqual(['tents']);
    expect(JSON.stringify(mine)).not.toContain('Prefers phone calls');
    expect((await adminCall(t.app, 'PATCH', `/v1/admin/customers/${customer.id}`, { notes: 7 })).status).toBe(400);
    expect((await adminCall(t.app, 'PATCH', '/v1/admin/customers/cus_missing', { notes: 'x' })).status).toBe(404);
  });

  it('refuses bad admin queries with a 400', async () => {
    expect((await adminCall(t.app, 'GET', '/v1/admin/customers?email=bad')).status).toBe(400);
    expect((await adminCall(t.app, 'GET', '/v1/admin/customers/not-an-id')).status).toBe(400);
    expect((await adminCall(t.app, 'GET', '/v1/admin/auth-events?since=yesterday')).status).toBe(400);
  });
});

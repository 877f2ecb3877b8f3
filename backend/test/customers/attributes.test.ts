import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_ADMIN_ROUTES, customerExportSchema, inboxConversationResponseSchema, ROUTES, STAFF_INBOX_ROUTES } from '@prex/protocol';
import { signUserId } from '../../src/customers/host-signature.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { adminCall, identitySecretOf, openWidget, startCustomersApp, type Widget } from '../helpers/customers.js';
import { inboxPath } from '../helpers/inbox.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Custom attributes: what the host page says about its user with identify (plan, company…), kept on
 * the customer once the identity is accepted, merged over later identifies, shown to the tenant's
 * staff beside the conversation, exported and erased with the customer. Real server, real PGlite.
 */

type Started = Awaited<ReturnType<typeof startCustomersApp>>;

let t: Started;
let secret: string;
let staff: StaffBrowser;

beforeAll(async () => {
  t = await startCustomersApp();
  secret = await identitySecretOf(t.app);
  staff = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'owner@attributes.example', 'owner');
});
afterAll(() => t.close());

const signed = (userId: string, extra: Record<string, unknown> = {}) => ({ userId, signature: signUserId(userId, secret), ...extra });

async function identify(w: Widget, body: unknown): Promise<Response> {
  return w.call('POST', ROUTES.identity, body);
}

/** The conversation as the staff console reads it. */
async function staffView(reader: StaffBrowser, sessionId: string): Promise<Response> {
  return reader.call('GET', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId }));
}

async function attributesSeenByStaff(sessionId: string): Promise<unknown> {
  const res = await staffView(staff, sessionId);
  expect(res.status).toBe(200);
  return inboxConversationResponseSchema.parse(await readJson(res)).conversation.customer?.attributes;
}

describe('custom attributes of a customer', () => {
  it('are stored with a signed identity and shown to staff beside the conversation', async () => {
    const w = await openWidget(t.app);
    const res = await identify(w, signed('attr-1', { name: 'Ada', attributes: { plan: 'Pro', company: 'Acme', seats: 12, trial: false } }));
    expect(res.status).toBe(200);
    expect(await attributesSeenByStaff(w.sessionId)).toEqual({ plan: 'Pro', company: 'Acme', seats: 12, trial: false });
  });

  it('merge over a later identify: a key sent replaces, null removes, keys not sent stay', async () => {
    const first = await openWidget(t.app);
    await identify(first, signed('attr-2', { attributes: { plan: 'Free', company: 'Acme', beta: true } }));
    // The same user on another device, later.
    const second = await openWidget(t.app);
    expect((await identify(second, signed('attr-2', { attributes: { plan: 'Pro', beta: null, phone: '+44 20 7946 0000' } }))).status).toBe(200);
    const expected = { plan: 'Pro', company: 'Acme', phone: '+44 20 7946 0000' };
    expect(await attributesSeenByStaff(second.sessionId)).toEqual(expected);
    expect(await attributesSeenByStaff(first.sessionId)).toEqual(expected);
    // An identify without attributes changes nothing.
    await identify(first, signed('attr-2'));
    expect(await attributesSeenByStaff(first.sessionId)).toEqual(expected);
  });

  it('are not kept from an unsigned identity (the session stays anonymous)', async () => {
    const w = await openWidget(t.app);
    const res = await identify(w, { userId: 'attr-unsigned', attributes: { plan: 'Enterprise' } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ level: 'anonymous', customer: null });
    const view = await staffView(staff, w.sessionId);
    expect(inboxConversationResponseSchema.parse(await readJson(view)).conversation.customer).toBeNull();
  });

  it('refuse bad attributes with a 400 naming the key, and keep nothing of that request', async () => {
    const w = await openWidget(t.app);
    await identify(w, signed('attr-bad', { attributes: { plan: 'Pro' } }));
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    // Each refused request also tries to change plan: none of them may.
    const cases: Array<[unknown, RegExp]> = [
      [{ plan: 'Changed', Plan: 'Pro' }, /attribute "Plan": a key is a lower-case letter/],
      [{ plan: 'Changed', '1st': 'x' }, /attribute "1st"/],
      [{ plan: 'Changed', [`a${'b'.repeat(40)}`]: 'x' }, /attribute "ab+"/],
      [{ plan: 'Changed', notes: 'x'.repeat(201) }, /attribute "notes": a string is at most 200 characters/],
      [{ plan: 'Changed', bio: 'line\nbreak' }, /attribute "bio": a string must not contain control characters/],
      [{ plan: 'Changed', address: { city: 'Oslo' } }, /attribute "address": a value is a string, a number, a boolean or null/],
      [{ plan: 'Changed', tags: ['a'] }, /attribute "tags"/],
      [tooMany, /at most 20 attributes \(got 21\)/],
      ['plan=Pro', /attributes must be an object/],
    ];
    for (const [attributes, message] of cases) {
      const res = await identify(w, signed('attr-bad', { attributes }));
      expect(res.status, JSON.stringify(attributes)).toBe(400);
      expect((await readJson(res)).error.message).toMatch(message);
    }
    expect(await attributesSeenByStaff(w.sessionId)).toEqual({ plan: 'Pro' });
  });

  it('refuse a merge that would leave a customer more than 20 attributes, naming the limit', async () => {
    const w = await openWidget(t.app);
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect((await identify(w, signed('attr-full', { attributes: twenty }))).status).toBe(200);
    const res = await identify(w, signed('attr-full', { attributes: { one_more: true } }));
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/more than 20 attributes; remove some with null/);
    // Refused as a whole: a new session that sent it is not linked either.
    const elsewhere = await openWidget(t.app);
    expect((await identify(elsewhere, signed('attr-full', { attributes: { one_more: true } }))).status).toBe(400);
    expect(await readJson(await elsewhere.call('GET', ROUTES.customerMe))).toMatchObject({ level: 'anonymous', customer: null });
    // Replacing one and removing one is fine.
    expect((await identify(w, signed('attr-full', { attributes: { k0: null, one_more: true, k1: 'one' } }))).status).toBe(200);
    const stored = (await attributesSeenByStaff(w.sessionId)) as Record<string, unknown>;
    expect(Object.keys(stored)).toHaveLength(20);
    expect(stored).toMatchObject({ one_more: true, k1: 'one' });
    expect(stored).not.toHaveProperty('k0');
  });

  it("are shown to the staff of the customer's tenant only: another tenant gets 404", async () => {
    const w = await openWidget(t.app);
    await identify(w, signed('attr-private', { attributes: { plan: 'Pro' } }));
    const other = await makeTenant(t.app.db, 'Elsewhere');
    const outsider = await signedInStaff(t.app.url, t.app.db, other.tenant.id, 'owner@elsewhere.example', 'owner');
    const res = await staffView(outsider, w.sessionId);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('Pro');
  });

  it("are in the customer's data export and erased with the customer", async () => {
    const w = await openWidget(t.app);
    const linked = await readJson(await identify(w, signed('attr-export', { attributes: { plan: 'Pro', company: 'Acme' } })));
    const customerId: string = linked.customer.id;
    const path = (pattern: string) => pattern.replace(':customerId', encodeURIComponent(customerId));
    const exported = customerExportSchema.parse(await readJson(await adminCall(t.app, 'GET', path(CUSTOMER_ADMIN_ROUTES.customerExport))));
    expect(exported.customer.attributes).toEqual({ plan: 'Pro', company: 'Acme' });

    expect((await adminCall(t.app, 'DELETE', path(CUSTOMER_ADMIN_ROUTES.customer))).status).toBe(200);
    const rows = await t.app.db.query<{ n: number }>('select count(*)::int as n from customers where tenant_id = $1 and id = $2', [t.app.tenant.id, customerId]);
    expect(rows[0]!.n).toBe(0);
    // The same user identified again starts with no attributes.
    const again = await openWidget(t.app);
    await identify(again, signed('attr-export'));
    expect(await attributesSeenByStaff(again.sessionId)).toEqual({});
  });
});

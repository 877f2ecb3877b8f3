import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_LIMITS, STAFF_INBOX_ROUTES, type CannedRepliesResponse, type CannedReplyResponse } from '@prex/protocol';
import { makeTenant, readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { inboxPath } from '../helpers/inbox.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/** The team's canned replies through the staff API: any role writes them, one per shortcut, per tenant. */

let a: TestApp;
let agent: StaffBrowser;
let outsider: StaffBrowser;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@canned.example', 'agent');
  const other = await makeTenant(a.db, 'Other');
  outsider = await signedInStaff(a.url, a.db, other.tenant.id, 'owner@other.example', 'owner');
});

afterAll(async () => {
  await a?.close();
});

const one = (id: string) => inboxPath(STAFF_INBOX_ROUTES.cannedReply, { cannedReplyId: id });

describe('canned replies', () => {
  it('creates, lists, changes and deletes; a taken shortcut is a 409', async () => {
    const created = await agent.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: ' Refund ', text: 'Refunds take 5 business days.' });
    expect(created.status).toBe(201);
    const { cannedReply } = await readJson<CannedReplyResponse>(created);
    expect(cannedReply).toMatchObject({ id: expect.stringMatching(/^cnr_/), shortcut: 'refund', text: 'Refunds take 5 business days.' });
    const other = (await readJson<CannedReplyResponse>(await agent.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'hello', text: 'Hi! How can I help?' })))
      .cannedReply;

    const taken = await agent.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'REFUND', text: 'Another text' });
    expect(taken.status).toBe(409);
    expect((await readJson(taken)).error.message).toMatch(/"refund" is taken/);

    const list = await readJson<CannedRepliesResponse>(await agent.call('GET', STAFF_INBOX_ROUTES.cannedReplies));
    expect(list.cannedReplies.map((r) => r.shortcut)).toEqual(['hello', 'refund']);

    const changed = await agent.call('PATCH', one(cannedReply.id), { text: 'Refunds take 3 business days.' });
    expect(changed.status).toBe(200);
    expect((await readJson<CannedReplyResponse>(changed)).cannedReply).toMatchObject({ shortcut: 'refund', text: 'Refunds take 3 business days.' });
    const clash = await agent.call('PATCH', one(other.id), { shortcut: 'refund' });
    expect(clash.status).toBe(409);
    expect((await readJson(clash)).error.message).toMatch(/"refund" is taken/);

    expect((await agent.call('DELETE', one(other.id))).status).toBe(204);
    expect((await agent.call('DELETE', one(other.id))).status).toBe(404);
    expect((await readJson<CannedRepliesResponse>(await agent.call('GET', STAFF_INBOX_ROUTES.cannedReplies))).cannedReplies.map((r) => r.shortcut)).toEqual(['refund']);
  });

  it('refuses invalid input with a 400 that names the field', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'two words', text: 'x' }, /only letters, digits/],
      ['POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'ok', text: '  ' }, /text is empty/],
      ['POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'x'.repeat(41), text: 'x' }, /longer than 40/],
      ['POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'ok' }, /text/],
      ['PATCH', one('cnr_whatever'), {}, /send shortcut or text/],
      ['PATCH', one('not-an-id'), { text: 'x' }, /Invalid cannedReplyId/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await agent.call(method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(res)).error.message, JSON.stringify(body)).toMatch(message);
    }
  });

  it("another tenant's staff neither see nor change them", async () => {
    const mine = (await readJson<CannedReplyResponse>(await agent.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'private', text: 'Ours only' }))).cannedReply;
    expect((await readJson<CannedRepliesResponse>(await outsider.call('GET', STAFF_INBOX_ROUTES.cannedReplies))).cannedReplies).toEqual([]);
    expect((await outsider.call('PATCH', one(mine.id), { text: 'Theirs now' })).status).toBe(404);
    expect((await outsider.call('DELETE', one(mine.id))).status).toBe(404);
    // The same shortcut is free in another tenant.
    expect((await outsider.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'private', text: 'Theirs' })).status).toBe(201);
    const still = await readJson<CannedRepliesResponse>(await agent.call('GET', STAFF_INBOX_ROUTES.cannedReplies));
    expect(still.cannedReplies.find((r) => r.id === mine.id)).toMatchObject({ text: 'Ours only' });
  });

  it(`stops at ${INBOX_LIMITS.maxCannedReplies} per team with a 409`, async () => {
    const t = await makeTenant(a.db, 'Busy');
    const owner = await signedInStaff(a.url, a.db, t.tenant.id, 'owner@busy.example', 'owner');
    // All but one made at once (the route is what is under test, not 499 requests).
    await a.db.query(
      `insert into canned_replies (id, tenant_id, shortcut, text)
       select 'cnr_bulk' || i, $1, 'bulk' || i, 'text ' || i from generate_series(1, $2::int) as i`,
      [t.tenant.id, INBOX_LIMITS.maxCannedReplies - 1],
    );
    expect((await owner.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'last', text: 'The last one' })).status).toBe(201);
    const full = await owner.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'one-more', text: 'Too many' });
    expect(full.status).toBe(409);
    expect((await readJson(full)).error.message).toMatch(/the most it may keep: delete one first/);
    expect((await owner.call('DELETE', one('cnr_bulk1'))).status).toBe(204);
    expect((await owner.call('POST', STAFF_INBOX_ROUTES.cannedReplies, { shortcut: 'one-more', text: 'Fits now' })).status).toBe(201);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_INBOX_ROUTES, STAFF_ROUTES } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { openDatabase } from '../../src/db/open.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { makeTenant, readJson, startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { newVisitor, type Visitor } from '../helpers/chat.js';
import { openEngine, silentLog } from '../helpers/db.js';
import { ask, inbox, inboxPath, InboxEventReader, rowOf } from '../helpers/inbox.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's live inbox stream (GET /v1/staff/inbox-events) and tenant isolation: staff of one
 * tenant never reach another tenant's conversations, by any route, nor hear of them on the stream;
 * and on two instances sharing a Postgres server, a change made through one reaches a stream open
 * on the other.
 */

describe('one instance, two tenants', () => {
  let a: TestApp;
  let ownerA: StaffBrowser;
  let ownerB: StaffBrowser;
  let keyB: string;

  beforeAll(async () => {
    a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
    ownerA = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@a.example', 'owner');
    const b = await makeTenant(a.db, 'Beta');
    keyB = b.publishableKey;
    ownerB = await signedInStaff(a.url, a.db, b.tenant.id, 'owner@b.example', 'owner');
  });
  afterAll(async () => {
    await a?.close();
  });

  const visitorA = () => newVisitor({ url: a.url, publishableKey: a.publishableKey });
  const visitorB = () => newVisitor({ url: a.url, publishableKey: keyB });

  it("each tenant's stream hears its own conversations change, and never the other's", async () => {
    const streamA = await InboxEventReader.open(a.url, ownerA);
    const streamB = await InboxEventReader.open(a.url, ownerB);
    try {
      const [va1, vb, va2] = [await visitorA(), await visitorB(), await visitorA()];
      await ask(va1, 'Is my order shipped?');
      await streamA.until(() => streamA.saw(va1.sessionId));
      await ask(vb, 'Do you sell gift cards?');
      await streamB.until(() => streamB.saw(vb.sessionId));
      // Published after B's: once A has it, B's would have reached A too, had it been sent there.
      await ask(va2, 'Another question');
      await streamA.until(() => streamA.saw(va2.sessionId));
      expect(streamA.sessionIds()).not.toContain(vb.sessionId);
      expect(streamB.sessionIds()).not.toContain(va1.sessionId);
      expect(streamB.sessionIds()).not.toContain(va2.sessionId);
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it('tells of notes, state changes and staff replies, and passes staff typing on with the conversation', async () => {
    const visitor = await visitorA();
    await ask(visitor, 'Hello');
    const stream = await InboxEventReader.open(a.url, ownerA);
    try {
      const changes = () => stream.received.filter((e) => e.type === 'conversation-changed' && e.sessionId === visitor.sessionId).length;
      const waitForChange = async (action: () => Promise<Response>) => {
        const before = changes();
        const res = await action();
        expect(res.status).toBeLessThan(300);
        await stream.until(() => changes() > before);
      };
      await waitForChange(() => ownerA.call('POST', inboxPath(STAFF_INBOX_ROUTES.notes, { sessionId: visitor.sessionId }), { text: 'Watch this one' }));
      await waitForChange(() => ownerA.call('PATCH', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId: visitor.sessionId }), { status: 'resolved' }));
      await waitForChange(() => ownerA.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'Hi!' }));

      // A signed-in account's typing notice carries its own display name, whatever the body says.
      expect((await ownerA.call('PATCH', STAFF_ROUTES.me, { name: 'Sam' })).status).toBe(200);
      const typing = await ownerA.call('POST', inboxPath(STAFF_ROUTES.conversationTyping, { sessionId: visitor.sessionId }), { staffName: 'Someone else' });
      expect(typing.status).toBe(204);
      await stream.until(() => stream.received.some((e) => e.type === 'staff-typing' && e.sessionId === visitor.sessionId && e.name === 'Sam'));
    } finally {
      stream.close();
    }
  });

  it("staff of tenant A get a 404 on every route with tenant B's conversation, and B's stays untouched", async () => {
    const vb = await visitorB();
    await ask(vb, 'Private question of tenant B');
    const session = { sessionId: vb.sessionId };
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', inboxPath(STAFF_INBOX_ROUTES.conversation, session)],
      ['PATCH', inboxPath(STAFF_INBOX_ROUTES.conversation, session), { status: 'resolved' }],
      ['POST', inboxPath(STAFF_INBOX_ROUTES.notes, session), { text: 'A was here' }],
      ['POST', inboxPath(STAFF_INBOX_ROUTES.read, session)],
      ['POST', inboxPath(STAFF_INBOX_ROUTES.handBack, session)],
    ];
    for (const [method, path, body] of attempts) {
      const res = await ownerA.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(await readJson(res))).not.toContain('Private question');
    }
    expect((await inbox(ownerA, '?limit=200')).conversations.some((c) => c.sessionId === vb.sessionId)).toBe(false);
    // Filtering by B's staff account finds nothing of B's either, nor counts it.
    const bAccount = (await readJson<{ account: { id: string } }>(await ownerB.call('GET', STAFF_ROUTES.me))).account.id;
    expect((await ownerB.call('PATCH', inboxPath(STAFF_INBOX_ROUTES.conversation, session), { assigneeId: bAccount })).status).toBe(200);
    const byB = await inbox(ownerA, `?assignee=${bAccount}`);
    expect(byB.conversations).toEqual([]);
    expect(byB.counts).toEqual({ open: 0, pending: 0, resolved: 0, snoozed: 0 });
    // Nor may A assign its conversation to B's staff member.
    const va = await visitorA();
    await ask(va, 'Hello from A');
    const crossAssign = await ownerA.call('PATCH', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId: va.sessionId }), { assigneeId: bAccount });
    expect(crossAssign.status).toBe(400);
    expect((await readJson(crossAssign)).error.message).toMatch(/is not a member of this team/);
    const seenByB = await rowOf(ownerB, vb.sessionId);
    expect(seenByB).toMatchObject({ status: 'pending', unread: 1, assignee: { id: bAccount } });
    const detail = await readJson(await ownerB.call('GET', inboxPath(STAFF_INBOX_ROUTES.conversation, session)));
    expect(detail.notes).toEqual([]);
  });

  it('needs a signed-in staff member (and the CSRF token to change anything)', async () => {
    expect((await fetch(`${a.url}${STAFF_INBOX_ROUTES.conversations}`)).status).toBe(401);
    expect((await fetch(`${a.url}${STAFF_INBOX_ROUTES.events}`)).status).toBe(401);
    const visitor = await visitorA();
    await ask(visitor, 'Hi');
    const res = await ownerA.call('POST', inboxPath(STAFF_INBOX_ROUTES.notes, { sessionId: visitor.sessionId }), { text: 'x' }, { csrf: null });
    expect(res.status).toBe(403);
  });
});

describe('two instances on one Postgres server', { timeout: 120_000 }, () => {
  let engine: Awaited<ReturnType<typeof openEngine>>;
  const handles: Db[] = [];
  let one: RunningServer;
  let two: RunningServer;
  let publishableKey: string;
  let staff: StaffBrowser;

  beforeAll(async () => {
    engine = await openEngine('postgres');
    const tenant = await makeTenant(engine.db, 'Shop');
    publishableKey = tenant.publishableKey;
    const config = testConfig({ DATABASE_URL: engine.url!, PREX_RATE_LIMIT_PER_MINUTE: '100000' });
    const instance = async () => {
      const db = await openDatabase({ kind: 'postgres', url: engine.url! }, silentLog);
      handles.push(db);
      return startServer({ config, db, log: silentLog });
    };
    one = await instance();
    two = await instance();
    staff = await signedInStaff(one.url, engine.db, tenant.tenant.id, 'owner@shop.example', 'owner');
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    for (const db of handles) await db.close();
    await engine?.close();
  });

  it('a visitor writing through one instance reaches the inbox stream open on the other', async () => {
    const stream = await InboxEventReader.open(one.url, staff);
    try {
      const visitor: Visitor = await newVisitor({ url: two.url, publishableKey });
      await ask(visitor, 'Where is my parcel?');
      await stream.until(() => stream.saw(visitor.sessionId));
      const row = (await inbox(staff)).conversations.find((c) => c.sessionId === visitor.sessionId);
      expect(row).toMatchObject({ status: 'pending', unread: 1 });
    } finally {
      stream.close();
    }
  });
});

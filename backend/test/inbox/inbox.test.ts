import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminConversationResponseSchema, customerExportSchema, inboxAgentsResponseSchema, ROUTES, STAFF_INBOX_ROUTES, STAFF_ROUTES, staffNoteResponseSchema } from '@prex/protocol';
import { touchConversation } from '../../src/conversations/working-state.js';
import { insertUserMessage } from '../../src/conversations/messages.js';
import { findOrCreateSmsConversation } from '../../src/sms/repository.js';
import { makeTenant, readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { history, newVisitor, type Visitor } from '../helpers/chat.js';
import { ConversationEventReader } from '../helpers/conversation-events.js';
import { silentLog } from '../helpers/db.js';
import { adminCall } from '../helpers/customers.js';
import { ask, conversationIn, inbox, inboxPath, rowOf } from '../helpers/inbox.js';
import { eventually } from '../helpers/eventually.js';
import { makeStaff, signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The staff inbox against a real server on PGlite, driven as the console and the widget drive it:
 * conversations appear as visitors write, change state with handoffs and staff actions, are
 * filtered, counted and paged, and carry private notes the visitor never sees.
 */

let a: TestApp;
let owner: StaffBrowser;
let agent: StaffBrowser;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@inbox.example', 'owner');
  agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@inbox.example', 'agent');
});

afterAll(async () => {
  await a?.close();
});

const visitorOf = (t: { publishableKey: string } = a) => newVisitor({ url: a.url, publishableKey: t.publishableKey });
const detailPath = (sessionId: string) => inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId });

async function askForPerson(visitor: Visitor): Promise<void> {
  const res = await fetch(`${a.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Broken parcel' }) });
  if (res.status !== 201) throw new Error(`handoff → ${res.status}`);
}

/** Opening a handoff tells the inbox in the background (the visitor's request does not wait for it). */
const statusBecomes = (staff: StaffBrowser, sessionId: string, status: string) => eventually(async () => (await rowOf(staff, sessionId))?.status === status);

/** Another tenant on the same server, with its owner signed in: counts and pages of its own. */
async function freshTenant(name: string) {
  const tenant = await makeTenant(a.db, name);
  const staff = await signedInStaff(a.url, a.db, tenant.tenant.id, `owner@${name.toLowerCase()}.example`, 'owner');
  return { ...tenant, staff };
}

describe('a conversation in the inbox', () => {
  it('appears as pending with the visitor unread once a visitor writes, and opens with a handoff', async () => {
    const visitor = await visitorOf();
    await ask(visitor, 'How long does shipping take?');
    const row = await rowOf(agent, visitor.sessionId);
    expect(row).toMatchObject({ status: 'pending', channel: 'widget', assignee: null, customer: null, unread: 1, snoozedUntil: null });
    // The bot answered last: that is the preview.
    expect(row!.lastMessage).toMatchObject({ from: 'bot', text: expect.any(String) });
    expect(row!.lastMessage!.text.length).toBeGreaterThan(0);
    expect(row!.agentId).toMatch(/^agt_/);

    await askForPerson(visitor);
    await statusBecomes(agent, visitor.sessionId, 'open');
  });

  it('staff reply and read: unread goes to 0 for the reader only, and a new visitor message counts again', async () => {
    const visitor = await visitorOf();
    await ask(visitor, 'Where is my order?');
    await askForPerson(visitor);
    await statusBecomes(owner, visitor.sessionId, 'open');

    const reply = await agent.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'Let me check that for you.' });
    expect(reply.status).toBe(201);
    const afterReply = await rowOf(agent, visitor.sessionId);
    expect(afterReply).toMatchObject({ status: 'open', unread: 1, lastMessage: { from: 'staff', text: 'Let me check that for you.' } });

    expect((await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.read, { sessionId: visitor.sessionId }))).status).toBe(204);
    expect((await rowOf(agent, visitor.sessionId))!.unread).toBe(0);
    expect((await rowOf(owner, visitor.sessionId))!.unread).toBe(1);

    // While a person has it, the visitor's message goes to staff: still open, unread again.
    await ask(visitor, 'It was order 1234, with a very long explanation. '.repeat(10));
    const later = await rowOf(agent, visitor.sessionId);
    expect(later).toMatchObject({ status: 'open', unread: 1, lastMessage: { from: 'visitor' } });
    expect(later!.lastMessage!.text.length).toBeLessThanOrEqual(200);
    expect(later!.lastMessage!.text.endsWith('…')).toBe(true);
    expect(Date.parse(later!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(afterReply!.updatedAt));
  });

  it('hand-back resolves the handoff (the widget hears it), the bot answers the next visitor message, and without a handoff it is a 409', async () => {
    const visitor = await visitorOf();
    await askForPerson(visitor);
    await statusBecomes(agent, visitor.sessionId, 'open');
    // While a person has it the bot keeps quiet: the visitor's message is the last one.
    await ask(visitor, 'Is anyone there?');
    expect((await rowOf(agent, visitor.sessionId))!.lastMessage).toMatchObject({ from: 'visitor', text: 'Is anyone there?' });
    const widget = await ConversationEventReader.open(visitor);
    try {
      const handBack = await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.handBack, { sessionId: visitor.sessionId }));
      expect(handBack.status).toBe(200);
      expect((await conversationIn(handBack)).conversation.status).toBe('resolved');
      await widget.until((events) => events.some((e) => e.event.type === 'handoff' && e.event.status === 'resolved'));
    } finally {
      widget.drop();
    }
    const again = await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.handBack, { sessionId: visitor.sessionId }));
    expect(again.status).toBe(409);
    expect((await readJson(again)).error.message).toMatch(/no open handoff/);

    await ask(visitor, 'One more question about refunds');
    // The bot has it again: it answered, and the conversation is the bot's (pending).
    const after = await rowOf(agent, visitor.sessionId);
    expect(after).toMatchObject({ status: 'pending', lastMessage: { from: 'bot' } });
    const thread = adminConversationResponseSchema.parse(await readJson(await agent.call('GET', inboxPath(STAFF_ROUTES.conversation, { sessionId: visitor.sessionId }))));
    expect(thread.messages.at(-1)).toMatchObject({ role: 'assistant' });
    expect(thread.messages.at(-2)).toMatchObject({ role: 'user', text: 'One more question about refunds' });
  });

  it('resolve and reopen by hand: the status moves, the order (last activity) stays', async () => {
    const visitor = await visitorOf();
    await ask(visitor, 'Can I pay by invoice?');
    const before = (await rowOf(owner, visitor.sessionId))!;
    const resolved = await conversationIn(await agent.call('PATCH', detailPath(visitor.sessionId), { status: 'resolved' }));
    expect(resolved.conversation).toMatchObject({ status: 'resolved', updatedAt: before.updatedAt });
    expect(await rowOf(owner, visitor.sessionId, '?status=resolved&limit=200')).toBeDefined();
    const reopened = await conversationIn(await agent.call('PATCH', detailPath(visitor.sessionId), { status: 'open' }));
    expect(reopened.conversation).toMatchObject({ status: 'open', updatedAt: before.updatedAt });
    expect(await rowOf(owner, visitor.sessionId, '?status=open&limit=200')).toBeDefined();
    expect(await rowOf(owner, visitor.sessionId, '?status=resolved&limit=200')).toBeUndefined();
  });

  it('resolving by hand while a person has the conversation ends the handoff: the widget hears it and the bot answers again', async () => {
    const visitor = await visitorOf();
    await askForPerson(visitor);
    await statusBecomes(agent, visitor.sessionId, 'open');
    const widget = await ConversationEventReader.open(visitor);
    try {
      const resolved = await conversationIn(await agent.call('PATCH', detailPath(visitor.sessionId), { status: 'resolved' }));
      expect(resolved.conversation.status).toBe('resolved');
      await widget.until((events) => events.some((e) => e.event.type === 'handoff' && e.event.status === 'resolved'));
    } finally {
      widget.drop();
    }
    // No handoff left to hand back, and the bot answers the visitor's next message.
    expect((await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.handBack, { sessionId: visitor.sessionId }))).status).toBe(409);
    await ask(visitor, 'And how do refunds work?');
    expect(await rowOf(agent, visitor.sessionId)).toMatchObject({ status: 'pending', lastMessage: { from: 'bot' } });
  });

  it('resolving through the existing escalation route resolves the conversation too', async () => {
    const visitor = await visitorOf();
    await askForPerson(visitor);
    await statusBecomes(owner, visitor.sessionId, 'open');
    const escalations = await readJson<{ escalations: Array<{ id: string; sessionId: string }> }>(await owner.call('GET', `${STAFF_ROUTES.escalations}?status=open`));
    const escalation = escalations.escalations.find((e) => e.sessionId === visitor.sessionId)!;
    const resolved = await owner.call('PATCH', inboxPath(STAFF_ROUTES.escalation, { escalationId: escalation.id }), { status: 'resolved' });
    expect(resolved.status).toBe(200);
    expect((await rowOf(owner, visitor.sessionId))!.status).toBe('resolved');
  });

  it('snooze: hidden until its time (then open, computed when read) or until the visitor writes', async () => {
    const visitor = await visitorOf();
    await ask(visitor, 'Do you ship abroad?');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await agent.call('PATCH', detailPath(visitor.sessionId), { status: 'snoozed', snoozedUntil: until });
    expect(snoozed.status).toBe(200);
    expect((await conversationIn(snoozed)).conversation).toMatchObject({ status: 'snoozed', snoozedUntil: until });

    // Its time comes (moved into the past here rather than waited for): it reads as open.
    await a.db.query(`update conversation_states set snoozed_until = now() - interval '1 second' where session_id = $1`, [visitor.sessionId]);
    expect((await rowOf(agent, visitor.sessionId))!.status).toBe('open');
    expect((await rowOf(agent, visitor.sessionId, '?status=open&limit=200'))).toBeDefined();

    // Snoozed until the next message: the visitor writes, the bot has it again.
    expect((await agent.call('PATCH', detailPath(visitor.sessionId), { status: 'snoozed' })).status).toBe(200);
    expect((await rowOf(agent, visitor.sessionId))).toMatchObject({ status: 'snoozed', snoozedUntil: null });
    await ask(visitor, 'And to Canada?');
    expect((await rowOf(agent, visitor.sessionId))).toMatchObject({ status: 'pending', snoozedUntil: null });
  });

  it('a conversation that has no state yet (older than the inbox) is given the default one when opened', async () => {
    const visitor = await visitorOf();
    await askForPerson(visitor);
    await statusBecomes(owner, visitor.sessionId, 'open');
    await a.db.query('delete from conversation_states where session_id = $1', [visitor.sessionId]);
    const res = await owner.call('GET', detailPath(visitor.sessionId));
    expect(res.status).toBe(200);
    expect((await conversationIn(res)).conversation.status).toBe('open');
  });
});

describe('PATCH /v1/staff/inbox/:sessionId', () => {
  let visitor: Visitor;
  beforeAll(async () => {
    visitor = await visitorOf();
    await ask(visitor, 'Hello there');
  });

  it('refuses what it cannot apply with a 400 that names the field', async () => {
    const other = await makeTenant(a.db, 'Elsewhere');
    const outsider = await makeStaff(a.db, other.tenant.id, 'outsider@elsewhere.example', 'agent');
    const cases: Array<[unknown, RegExp]> = [
      [{}, /send status or assigneeId/],
      [{ status: 'closed' }, /status must be "open", "pending", "resolved" or "snoozed"/],
      [{ status: 'open', snoozedUntil: new Date(Date.now() + 60_000).toISOString() }, /snoozedUntil goes with status "snoozed"/],
      [{ status: 'snoozed', snoozedUntil: 'tomorrow' }, /snoozedUntil must be an ISO 8601 time/],
      [{ status: 'snoozed', snoozedUntil: new Date(Date.now() - 60_000).toISOString() }, /snoozedUntil is in the past/],
      [{ assigneeId: 'someone' }, /not a staff account id/],
      [{ assigneeId: outsider.id }, /is not a member of this team/],
      [{ status: 'open', colour: 'red' }, /colour/],
    ];
    for (const [body, message] of cases) {
      const res = await agent.call('PATCH', detailPath(visitor.sessionId), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(res)).error.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await rowOf(agent, visitor.sessionId))).toMatchObject({ status: 'pending', assignee: null });
  });

  it('assigns, filters by assignee (me, unassigned, an id) and unassigns', async () => {
    const me = await readJson<{ account: { id: string } }>(await agent.call('GET', STAFF_ROUTES.me));
    const assigned = await owner.call('PATCH', detailPath(visitor.sessionId), { assigneeId: me.account.id });
    expect(assigned.status).toBe(200);
    expect((await conversationIn(assigned)).conversation.assignee).toEqual({ id: me.account.id, email: 'agent@inbox.example' });

    expect(await rowOf(agent, visitor.sessionId, '?assignee=me&limit=200')).toBeDefined();
    expect(await rowOf(owner, visitor.sessionId, '?assignee=me&limit=200')).toBeUndefined();
    expect(await rowOf(owner, visitor.sessionId, `?assignee=${me.account.id}&limit=200`)).toBeDefined();
    expect(await rowOf(owner, visitor.sessionId, '?assignee=unassigned&limit=200')).toBeUndefined();

    expect((await owner.call('PATCH', detailPath(visitor.sessionId), { assigneeId: null })).status).toBe(200);
    expect(await rowOf(owner, visitor.sessionId, '?assignee=unassigned&limit=200')).toBeDefined();
  });
});

describe('filters, counts and pages', () => {
  it('counts per status under the other filters, and filters by status, channel, label and agent', async () => {
    const t = await freshTenant('Counts');
    const pending = await visitorOf(t);
    await ask(pending, 'What is your refund policy?');
    const opened = await visitorOf(t);
    await ask(opened, 'My parcel is late');
    await askForPerson(opened);
    await statusBecomes(t.staff, opened.sessionId, 'open');
    const resolved = await visitorOf(t);
    await ask(resolved, 'Thanks, all good');
    expect((await t.staff.call('PATCH', detailPath(resolved.sessionId), { status: 'resolved' })).status).toBe(200);
    // An SMS conversation, stored as the SMS channel stores a message kept for staff.
    const sms = await findOrCreateSmsConversation(a.db, t.tenant.id, '+15550100');
    await insertUserMessage(a.db, { tenantId: t.tenant.id, sessionId: sms.sessionId, text: 'Hi from my phone' });
    await touchConversation({ db: a.db, log: silentLog }, { tenantId: t.tenant.id, sessionId: sms.sessionId }, 'visitor-message');

    const all = await inbox(t.staff);
    expect(all.counts).toEqual({ open: 1, pending: 2, resolved: 1, snoozed: 0 });
    expect(all.conversations.map((c) => c.sessionId).sort()).toEqual([pending, opened, resolved].map((v) => v.sessionId).concat(sms.sessionId).sort());

    const onlyOpen = await inbox(t.staff, '?status=open');
    expect(onlyOpen.conversations.map((c) => c.sessionId)).toEqual([opened.sessionId]);
    expect(onlyOpen.counts).toEqual(all.counts);

    const bySms = await inbox(t.staff, '?channel=sms');
    expect(bySms.conversations.map((c) => [c.sessionId, c.channel])).toEqual([[sms.sessionId, 'sms']]);
    expect(bySms.counts).toEqual({ open: 0, pending: 1, resolved: 0, snoozed: 0 });
    expect((await inbox(t.staff, '?channel=widget')).conversations).toHaveLength(3);

    // The label and agent are those of the last visitor message (the classifier's and the router's);
    // set here so that one conversation differs from the rest.
    const row = all.conversations.find((c) => c.sessionId === pending.sessionId)!;
    expect(row.agentId).toMatch(/^agt_/);
    await a.db.query(`update messages set label = 'refunds', agent_id = 'agt_billing' where session_id = $1 and role = 'user'`, [pending.sessionId]);
    const byLabel = await inbox(t.staff, '?label=refunds');
    expect(byLabel.conversations.map((c) => [c.sessionId, c.label, c.agentId])).toEqual([[pending.sessionId, 'refunds', 'agt_billing']]);
    expect(byLabel.counts).toEqual({ open: 0, pending: 1, resolved: 0, snoozed: 0 });
    expect((await inbox(t.staff, '?label=no-such-label')).conversations).toEqual([]);
    expect((await inbox(t.staff, '?agentId=agt_billing')).conversations.map((c) => c.sessionId)).toEqual([pending.sessionId]);
    const byDefaultAgent = await inbox(t.staff, `?agentId=${row.agentId}&status=pending`);
    expect(byDefaultAgent.conversations.map((c) => c.sessionId)).not.toContain(pending.sessionId);
    expect(byDefaultAgent.counts).toEqual({ open: 1, pending: 0, resolved: 1, snoozed: 0 });
    expect((await inbox(t.staff, '?agentId=agt_nobody')).counts).toEqual({ open: 0, pending: 0, resolved: 0, snoozed: 0 });
  });

  it('refuses a query it cannot read with a 400', async () => {
    for (const [query, message] of [
      ['?status=new', /status must be/],
      ['?channel=email', /channel must be "widget", "sms" or "api"/],
      ['?limit=0', /limit must be at least 1/],
      ['?limit=1000', /limit is at most 200/],
      ['?before=yesterday', /before must be an ISO 8601 time/],
      ['?assignee=bob', /assignee: not a staff account id/],
      ['?sort=asc', /sort/],
    ] as const) {
      const res = await owner.call('GET', `${STAFF_INBOX_ROUTES.conversations}${query}`);
      expect(res.status, query).toBe(400);
      expect((await readJson(res)).error.message, query).toMatch(message);
    }
  });

  it('pages by last activity with nextBefore, never losing or repeating a conversation, even when several share a millisecond', async () => {
    const t = await freshTenant('Pages');
    const visitors: Visitor[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await visitorOf(t);
      await ask(v, `Question number ${i}`);
      visitors.push(v);
    }
    // Newest first; then three of them made to share one millisecond, across a page boundary.
    const first = await inbox(t.staff, '?limit=5');
    expect(first.conversations.map((c) => c.sessionId)).toEqual(visitors.map((v) => v.sessionId).reverse());
    await a.db.query(`update conversation_states set updated_at = '2026-01-01T00:00:00.000Z' where tenant_id = $1 and session_id = any($2)`, [
      t.tenant.id,
      visitors.slice(0, 3).map((v) => v.sessionId),
    ]);

    const seen: string[] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 5; pages++) {
      const page = await inbox(t.staff, query);
      seen.push(...page.conversations.map((c) => c.sessionId));
      if (!page.nextBefore) break;
      query = `?limit=2&before=${encodeURIComponent(page.nextBefore)}`;
    }
    expect(seen.slice(0, 2)).toEqual([visitors[4]!.sessionId, visitors[3]!.sessionId]);
    expect([...seen].sort()).toEqual(visitors.map((v) => v.sessionId).sort());
  });
});

describe('GET /v1/staff/agents', () => {
  it("lists the signed-in staff member's tenant's agents (id and name) for the agent filter, never another tenant's", async () => {
    const t = await freshTenant('AgentsOnly');
    const mine = inboxAgentsResponseSchema.parse(await readJson(await agent.call('GET', STAFF_INBOX_ROUTES.agents))).agents;
    const theirs = inboxAgentsResponseSchema.parse(await readJson(await t.staff.call('GET', STAFF_INBOX_ROUTES.agents))).agents;
    expect(mine.length).toBeGreaterThan(0);
    for (const { id } of mine) expect(id).toMatch(/^agt_/);
    expect(theirs.some((x) => mine.some((y) => y.id === x.id))).toBe(false);
    // The ids are the ones the inbox's rows carry and its agentId filter takes.
    const visitor = await visitorOf();
    await ask(visitor, 'Which plans do you have?');
    expect(mine.map((m) => m.id)).toContain((await rowOf(agent, visitor.sessionId))!.agentId);
    expect((await fetch(`${a.url}${STAFF_INBOX_ROUTES.agents}`)).status).toBe(401);
  });
});

describe('private notes', () => {
  it('are kept oldest first with their author, and never reach the visitor (history or live stream)', async () => {
    const visitor = await visitorOf();
    await ask(visitor, 'Can I change my delivery address?');
    const widget = await ConversationEventReader.open(visitor);
    try {
      const notesPath = inboxPath(STAFF_INBOX_ROUTES.notes, { sessionId: visitor.sessionId });
      const first = await agent.call('POST', notesPath, { text: 'SECRET: customer is on the VIP list' });
      expect(first.status).toBe(201);
      expect(staffNoteResponseSchema.parse(await readJson(first)).note).toMatchObject({ text: 'SECRET: customer is on the VIP list', author: { email: 'agent@inbox.example' } });
      expect((await owner.call('POST', notesPath, { text: '  SECRET: second note  ' })).status).toBe(201);
      for (const [body, message] of [
        [{ text: '   ' }, /text is empty/],
        [{ text: 'x'.repeat(4001) }, /longer than 4000/],
        [{ note: 'hi' }, /text/],
      ] as const) {
        const res = await agent.call('POST', notesPath, body);
        expect(res.status).toBe(400);
        expect((await readJson(res)).error.message).toMatch(message);
      }

      const detail = await conversationIn(await agent.call('GET', detailPath(visitor.sessionId)));
      expect(detail.notes.map((n) => [n.text, n.author.email])).toEqual([
        ['SECRET: customer is on the VIP list', 'agent@inbox.example'],
        ['SECRET: second note', 'owner@inbox.example'],
      ]);

      // A staff reply after the notes: once the widget has it, anything the notes sent would be there too.
      await agent.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'Yes, which address?' });
      await widget.until((events) => events.some((e) => e.event.type === 'staff-message' && e.event.message.text === 'Yes, which address?'));
      expect(JSON.stringify(widget.received)).not.toContain('SECRET');
      expect(JSON.stringify(await history(visitor))).not.toContain('SECRET');
      // Nor in what the console shows as the thread: notes are beside it, not in it.
      expect(JSON.stringify(await readJson(await agent.call('GET', inboxPath(STAFF_ROUTES.conversation, { sessionId: visitor.sessionId }))))).not.toContain('SECRET');
      // Nor in the customer's data export (the same export the visitor downloads with an email code).
      await a.db.query(`insert into customers (id, tenant_id, email) values ('cus_notes1', $1, 'vip@example.com')`, [a.tenant.id]);
      await a.db.query(`update sessions set customer_id = 'cus_notes1' where id = $1`, [visitor.sessionId]);
      const exported = customerExportSchema.parse(await readJson(await adminCall(a, 'GET', '/v1/admin/customers/cus_notes1/export')));
      expect(exported.conversations.map((c) => c.sessionId)).toEqual([visitor.sessionId]);
      expect(exported.conversations[0]!.messages.map((m) => m.text)).toContain('Yes, which address?');
      expect(JSON.stringify(exported)).not.toContain('SECRET');
    } finally {
      widget.drop();
    }
  });

  it("lists the verified customer's other conversations", async () => {
    const [one, two] = [await visitorOf(), await visitorOf()];
    await ask(one, 'First visit');
    await ask(two, 'Second visit');
    const [customer] = await a.db.query<{ id: string }>(`insert into customers (id, tenant_id, email, name) values ('cus_inbox1', $1, 'ada@example.com', 'Ada') returning id`, [a.tenant.id]);
    await a.db.query('update sessions set customer_id = $1 where id = any($2)', [customer!.id, [one.sessionId, two.sessionId]]);
    const detail = await conversationIn(await owner.call('GET', detailPath(two.sessionId)));
    expect(detail.conversation.customer).toEqual({ id: 'cus_inbox1', email: 'ada@example.com', phone: null, name: 'Ada', attributes: {}, verifiedAttributes: [] });
    expect(detail.otherConversations).toEqual([{ sessionId: one.sessionId, status: 'pending', updatedAt: expect.any(String) }]);
  });
});

describe('roles', () => {
  it('an agent does everything the inbox offers (no inbox route is owner-only): assigns to the owner, notes, reads, resolves, hands back', async () => {
    const ownerId = (await readJson<{ account: { id: string } }>(await owner.call('GET', STAFF_ROUTES.me))).account.id;
    const visitor = await visitorOf();
    await askForPerson(visitor);
    await statusBecomes(agent, visitor.sessionId, 'open');
    const assigned = await conversationIn(await agent.call('PATCH', detailPath(visitor.sessionId), { assigneeId: ownerId }));
    expect(assigned.conversation.assignee).toEqual({ id: ownerId, email: 'owner@inbox.example' });
    expect((await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.notes, { sessionId: visitor.sessionId }), { text: 'Over to you' })).status).toBe(201);
    expect((await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.read, { sessionId: visitor.sessionId }))).status).toBe(204);
    expect((await conversationIn(await agent.call('POST', inboxPath(STAFF_INBOX_ROUTES.handBack, { sessionId: visitor.sessionId })))).conversation.status).toBe('resolved');
    // What stays owner-only is the team itself, outside the inbox.
    expect((await agent.call('GET', STAFF_ROUTES.team)).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import type { RunningServer } from '../../src/server.js';
import { history, newVisitor, type Visitor } from '../helpers/chat.js';
import { ConversationEventReader, openConversationEvents, type ReceivedEvent } from '../helpers/conversation-events.js';
import { startInstances, type Instances } from '../helpers/instances.js';

/**
 * The widget's conversation stream with two instances on one Postgres server and no sticky
 * sessions: what staff do through one instance (reply, type, resolve) reaches a stream open on the
 * other, by the event log in the database and the bus (LISTEN/NOTIFY); a dropped stream resumed on
 * either instance with its Last-Event-ID misses nothing and repeats nothing.
 */

describe('the conversation event stream across two instances', { timeout: 120_000 }, () => {
  let fleet: Instances;
  let a: RunningServer;
  let b: RunningServer;
  let publishableKey: string;
  let secretKey: string;

  beforeAll(async () => {
    fleet = await startInstances({ count: 2 });
    [a, b] = fleet.instances as [RunningServer, RunningServer];
    publishableKey = fleet.tenant.publishableKey;
    secretKey = fleet.tenant.secretKey;
  });
  afterAll(async () => {
    await fleet?.close();
  });

  const through = (v: Visitor, instance: RunningServer): Visitor => ({ ...v, url: instance.url });
  const admin = (instance: RunningServer, method: string, path: string, body?: unknown) =>
    fetch(`${instance.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const reply = (instance: RunningServer, v: Visitor, body: unknown) => admin(instance, 'POST', `/v1/admin/conversations/${v.sessionId}/replies`, body);
  const typesOf = (received: ReceivedEvent[]) => received.map((r) => r.event.type);
  const staffTexts = (received: ReceivedEvent[]) => received.flatMap((r) => (r.event.type === 'staff-message' ? [r.event.message.text] : []));

  it('a handoff opened, staff typing, a staff reply and the resolve, all done through B, reach the stream open on A', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const stream = await ConversationEventReader.open(v);
    try {
      const opened = await fetch(`${b.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: '{}' });
      expect(opened.status).toBe(201);
      const { escalation } = (await opened.json()) as { escalation: { id: string } };
      await stream.until((r) => r.length >= 1);

      expect((await admin(b, 'POST', `/v1/admin/conversations/${v.sessionId}/typing`, { staffName: 'Sam' })).status).toBe(204);
      await stream.until((r) => r.some((e) => e.event.type === 'staff-typing'));

      const posted = await reply(b, v, { text: 'Hi, Sam here. Let me look at your order.', staffName: 'Sam' });
      expect(posted.status).toBe(201);
      const { message } = (await posted.json()) as { message: { id: string } };
      await stream.until((r) => r.some((e) => e.event.type === 'staff-message'));

      expect((await admin(b, 'PATCH', `/v1/admin/escalations/${escalation.id}`, { status: 'resolved' })).status).toBe(200);
      const received = await stream.until((r) => r.some((e) => e.event.type === 'handoff' && e.event.status === 'resolved'));

      expect(received).toEqual([
        { id: 1, event: { type: 'handoff', status: 'open', escalationId: escalation.id } },
        { id: undefined, event: { type: 'staff-typing', name: 'Sam' } },
        {
          id: 2,
          event: {
            type: 'staff-message',
            message: expect.objectContaining({ id: message.id, role: 'assistant', author: 'human', authorName: 'Sam', text: 'Hi, Sam here. Let me look at your order.', status: 'complete' }),
          },
        },
        { id: 3, event: { type: 'handoff', status: 'resolved', escalationId: escalation.id } },
      ]);
      // The message sent is the stored one, as history (on either instance) shows it.
      const stored = (await history(through(v, b))).messages.find((m) => m.id === message.id);
      expect(received[2]!.event).toEqual({ type: 'staff-message', message: stored });
    } finally {
      stream.drop();
    }
  });

  it('a stream dropped on A and resumed on B with its Last-Event-ID gets what was posted meanwhile, once each, in order', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const first = await ConversationEventReader.open(v);
    expect((await reply(b, v, { text: 'one' })).status).toBe(201);
    await first.until((r) => staffTexts(r).length === 1);
    first.drop();
    const cursor = first.lastId;

    // Posted while the visitor has no connection, through both instances.
    for (const [instance, text] of [[a, 'two'], [b, 'three'], [a, 'four']] as const) expect((await reply(instance, v, { text })).status).toBe(201);

    const resumed = await ConversationEventReader.open(through(v, b), { lastEventId: cursor });
    try {
      expect((await reply(a, v, { text: 'five' })).status).toBe(201);
      const received = await resumed.until((r) => staffTexts(r).length === 4);
      expect(staffTexts(received)).toEqual(['two', 'three', 'four', 'five']);
      expect(received.map((r) => r.id)).toEqual([cursor + 1, cursor + 2, cursor + 3, cursor + 4]);
      expect(typesOf(received).every((t) => t === 'staff-message')).toBe(true);
    } finally {
      resumed.drop();
    }
  });

  it('history says where the stream starts: a stream opened after its eventCursor repeats nothing the history holds', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    expect((await reply(a, v, { text: 'before the reload' })).status).toBe(201);
    const h = await history(v);
    expect(h.eventCursor).toBe(1);
    expect(h.messages.map((m) => m.text)).toEqual(['before the reload']);
    const stream = await ConversationEventReader.open(through(v, b), { lastEventId: h.eventCursor! });
    try {
      expect((await reply(b, v, { text: 'after the reload' })).status).toBe(201);
      expect(staffTexts(await stream.until((r) => staffTexts(r).length === 1))).toEqual(['after the reload']);
    } finally {
      stream.drop();
    }
  });

  it('concurrent replies through both instances get distinct, gap-free ids', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const stream = await ConversationEventReader.open(v);
    try {
      const texts = Array.from({ length: 10 }, (_, i) => `reply ${i}`);
      const statuses = await Promise.all(texts.map((text, i) => reply(i % 2 ? a : b, v, { text }).then((r) => r.status)));
      expect(statuses.every((s) => s === 201)).toBe(true);
      const received = await stream.until((r) => staffTexts(r).length === 10);
      expect(received.map((r) => r.id)).toEqual(texts.map((_, i) => i + 1));
      expect(new Set(staffTexts(received))).toEqual(new Set(texts));
    } finally {
      stream.drop();
    }
  });

  it('refuses bad input with a 4xx that names it', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const badCursor = await openConversationEvents(v, { after: 'soon' });
    expect(badCursor.status).toBe(400);
    expect(JSON.stringify(await badCursor.json())).toContain('after');
    const noSession = await fetch(`${a.url}${ROUTES.conversationEvents}`, { headers: { 'x-prex-key': publishableKey, origin: v.headers.origin! } });
    expect(noSession.status).toBe(401);
    const longName = await reply(a, v, { text: 'hi', staffName: 'x'.repeat(101) });
    expect(longName.status).toBe(400);
    expect(JSON.stringify(await longName.json())).toContain('staffName');
    const typingUnknown = await admin(a, 'POST', '/v1/admin/conversations/ses_nosuchsession/typing', {});
    expect(typingUnknown.status).toBe(404);
    const typingExtra = await admin(a, 'POST', `/v1/admin/conversations/${v.sessionId}/typing`, { staffName: 'Sam', mood: 'happy' });
    expect(typingExtra.status).toBe(400);
  });
});

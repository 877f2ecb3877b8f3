import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import { startTcpProxy, type TcpProxy } from '@prex/testing';
import { findSessionMessage } from '../../src/conversations/messages.js';
import { history, lastAssistant, messageIdOf, newVisitor, readSse, resume, send, textOf, type SseRead, type Visitor } from '../helpers/chat.js';
import { ConversationEventReader } from '../helpers/conversation-events.js';
import { startInstances, type Instances } from '../helpers/instances.js';

/**
 * A visitor's whole conversation through three instances behind a round-robin balancer, every
 * request on a connection of its own (no keep-alive, no sticky sessions), so consecutive requests
 * land on different instances: an answer dropped and resumed, history, a handoff, staff typing and
 * replies, the event stream resumed after a drop, the resolve and the bot answering again. Half-way
 * one instance shuts down gracefully (as in a rolling deploy); the conversation goes on through the
 * other two.
 */

const INSTANCES = 3;

describe('a conversation through three instances behind a round-robin balancer', { timeout: 120_000 }, () => {
  let fleet: Instances;
  let proxy: TcpProxy;

  beforeAll(async () => {
    // A paced extractive answer (seconds): still streaming when the visitor drops and resumes it.
    fleet = await startInstances({ count: INSTANCES, env: { PREX_EXTRACTIVE_DELAY_MS: '100' } });
    proxy = await startTcpProxy(fleet.instances.map((instance) => ({ port: instance.port })));
  });
  afterAll(async () => {
    await proxy?.close();
    await fleet?.close();
  });

  /** Every request on a fresh connection: the balancer picks the next instance each time. */
  const FRESH_CONNECTION = { connection: 'close' };
  /** The instance that served the latest connection (requests here are made one at a time). */
  const servedBy = () => proxy.routed().at(-1)!;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${proxy.url}${path}`, {
      method,
      headers: { ...FRESH_CONNECTION, authorization: `Bearer ${fleet.tenant.secretKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const staffReply = (v: Visitor, text: string) => admin('POST', `/v1/admin/conversations/${v.sessionId}/replies`, { text, staffName: 'Sam' });
  const seqsOf = (read: SseRead) => read.chunks.map((c) => c.seq);
  const contiguousFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

  it('goes on across instances, and past one of them shutting down, losing and repeating nothing', async () => {
    const v = await newVisitor({ url: proxy.url, publishableKey: fleet.tenant.publishableKey }, FRESH_CONNECTION);

    // 1. The question's stream drops after a few chunks; the resume (another instance) gets the rest.
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => r.chunks.length >= 6);
    const answeredBy = servedBy();
    expect(first.done).toBe(false);
    const messageId = messageIdOf(first);
    const cursor = first.chunks.at(-1)!.seq;
    const rest = await readSse(await resume(v, messageId, { lastEventId: String(cursor) }));
    expect(servedBy()).not.toBe(answeredBy);
    expect(rest.done).toBe(true);
    const seen = [...first.chunks, ...rest.chunks];
    expect(seen.map((c) => c.seq)).toEqual(contiguousFrom(1, seen.length));
    expect(rest.chunks.at(-1)!.chunk.type).toBe('finish');
    const stored = await findSessionMessage(fleet.engine.db, { tenantId: fleet.tenant.tenant.id, sessionId: v.sessionId, messageId });
    expect(seen.map((c) => c.chunk)).toEqual(stored!.events);

    // 2. History, read on yet another instance, holds the answer as the visitor saw it, finished.
    const afterAnswer = await history(v);
    expect(lastAssistant(afterAnswer)).toMatchObject({ id: messageId, status: 'complete', text: textOf(seen) });

    // 3. The visitor's conversation stream, then a handoff, staff typing and a reply, each on its own connection.
    const stream = await ConversationEventReader.open(v);
    const streamOn = servedBy();
    const opened = await fetch(`${proxy.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: '{}' });
    expect(opened.status).toBe(201);
    const { escalation } = (await opened.json()) as { escalation: { id: string } };
    await stream.until((r) => r.length >= 1);
    expect((await admin('POST', `/v1/admin/conversations/${v.sessionId}/typing`, { staffName: 'Sam' })).status).toBe(204);
    await stream.until((r) => r.length >= 2);
    expect((await staffReply(v, 'Hi, Sam here.')).status).toBe(201);
    const live = await stream.until((r) => r.length >= 3);
    expect(live.map((r) => [r.id, r.event.type])).toEqual([
      [1, 'handoff'],
      [undefined, 'staff-typing'],
      [2, 'staff-message'],
    ]);
    expect(live[1]!.event).toEqual({ type: 'staff-typing', name: 'Sam' });

    // Up to here every connection went to the next instance in turn: no two consecutive on one.
    const beforeShutdown = proxy.routed();
    expect(beforeShutdown).toEqual(beforeShutdown.map((_, i) => i % INSTANCES));

    // 4. The instance holding the visitor's stream shuts down gracefully: the stream ends there.
    await fleet.instances[streamOn]!.close();
    await expect(stream.until(() => false)).rejects.toThrow('ended');

    // 5. Meanwhile staff reply and the visitor writes (to staff: the bot is silent during a handoff).
    expect((await staffReply(v, 'Your refund is on its way.')).status).toBe(201);
    const toStaff = await readSse(await send(v, { text: 'Thank you!' }));
    expect(toStaff.chunks.map((c) => c.chunk.type)).toEqual(['start', 'data-prex-to-staff', 'finish']);

    // 6. The stream resumed with its Last-Event-ID gets what it missed, then what follows, once each, in order.
    const resumed = await ConversationEventReader.open(v, { lastEventId: stream.lastId });
    try {
      expect((await staffReply(v, 'Anything else?')).status).toBe(201);
      expect((await admin('PATCH', `/v1/admin/escalations/${escalation.id}`, { status: 'resolved' })).status).toBe(200);
      const after = await resumed.until((r) => r.some((e) => e.event.type === 'handoff' && e.event.status === 'resolved'));
      expect(after.map((r) => r.id)).toEqual([3, 4, 5]);
      expect(after.map((r) => (r.event.type === 'staff-message' ? r.event.message.text : r.event.type))).toEqual(['Your refund is on its way.', 'Anything else?', 'handoff']);
      expect(after[2]!.event).toEqual({ type: 'handoff', status: 'resolved', escalationId: escalation.id });
    } finally {
      resumed.drop();
    }

    // 7. Resolved: the bot answers again, start to [DONE].
    const again = await readSse(await send(v, { text: 'How do I reset my password?' }));
    expect(again.done).toBe(true);
    expect(seqsOf(again)).toEqual(contiguousFrom(1, again.chunks.length));
    expect(textOf(again.chunks).length).toBeGreaterThan(0);

    // The final state, as any remaining instance tells it.
    const final = await history(v);
    expect(final.messages.map((m) => [m.role, m.author ?? 'bot', m.status])).toEqual([
      ['user', 'bot', 'complete'],
      ['assistant', 'bot', 'complete'],
      ['assistant', 'human', 'complete'],
      ['assistant', 'human', 'complete'],
      ['user', 'bot', 'complete'],
      ['assistant', 'human', 'complete'],
      ['user', 'bot', 'complete'],
      ['assistant', 'bot', 'complete'],
    ]);
    expect(lastAssistant(final).text).toBe(textOf(again.chunks));

    // After the shutdown, the balancer passed the stopped instance's turns to the other two.
    const afterShutdown = proxy.routed().slice(beforeShutdown.length);
    expect(afterShutdown).not.toContain(streamOn);
    expect(new Set(afterShutdown).size).toBe(INSTANCES - 1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSessionMessage } from '../../src/conversations/messages.js';
import type { RunningServer } from '../../src/server.js';
import { history, messageIdOf, newVisitor, readSse, resume, send, stop, textOf, type Visitor } from '../helpers/chat.js';
import { startInstances, type Instances } from '../helpers/instances.js';

/**
 * Two instances on one Postgres server, as behind a load balancer with no sticky sessions: an
 * answer streaming on one is resumed, read and stopped through the other, by way of the database
 * (its log stored as it streams) and the bus (LISTEN/NOTIFY).
 */

describe('an answer streaming on one instance, reached through another', { timeout: 120_000 }, () => {
  let fleet: Instances;
  let a: RunningServer;
  let b: RunningServer;
  let publishableKey: string;
  let tenantId: string;

  beforeAll(async () => {
    // A slow extractive answer (seconds): it is still streaming while the visitor moves to the
    // other instance, even on a loaded machine.
    fleet = await startInstances({ count: 2, env: { PREX_EXTRACTIVE_DELAY_MS: '150' } });
    [a, b] = fleet.instances as [RunningServer, RunningServer];
    publishableKey = fleet.tenant.publishableKey;
    tenantId = fleet.tenant.tenant.id;
  });
  afterAll(async () => {
    await fleet?.close();
  });

  /** The same visitor (session token) talking to another instance. */
  const through = (v: Visitor, instance: RunningServer): Visitor => ({ ...v, url: instance.url });

  it('a resume on the other instance continues the live answer: nothing lost, nothing twice, ids going on', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    // The connection to A drops after a few chunks; the answer goes on running there.
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => r.chunks.length >= 6);
    expect(first.done).toBe(false);
    const messageId = messageIdOf(first);
    const cursor = first.chunks.at(-1)!.seq;

    const rest = await readSse(await resume(through(v, b), messageId, { lastEventId: String(cursor) }));
    expect(rest.done).toBe(true);
    expect(rest.chunks[0]!.seq).toBe(cursor + 1);
    expect(rest.chunks.map((c) => c.seq)).toEqual(rest.chunks.map((_, i) => cursor + 1 + i));
    expect(rest.chunks.at(-1)!.chunk.type).toBe('finish');

    // What the visitor saw, across both instances, is exactly the answer as stored.
    const stored = await findSessionMessage(fleet.engine.db, { tenantId, sessionId: v.sessionId, messageId });
    expect(stored!.status).toBe('complete');
    expect([...first.chunks, ...rest.chunks].map((c) => c.chunk)).toEqual(stored!.events);
    expect(textOf([...first.chunks, ...rest.chunks])).toBe(stored!.text);
  });

  it('history read through the other instance shows the answer while it streams, then finished', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const first = await readSse(await send(v, { text: 'How do I reset my password?' }), (r) => r.chunks.some((c) => c.chunk.type === 'text-delta'));
    const messageId = messageIdOf(first);
    const during = (await history(through(v, b))).messages.find((m) => m.id === messageId)!;
    expect(during.status).toBe('streaming');
    await readSse(await resume(through(v, b), messageId, { lastEventId: String(first.chunks.at(-1)!.seq) }));
    const after = (await history(through(v, b))).messages.find((m) => m.id === messageId)!;
    expect(after.status).toBe('complete');
    expect(after.text.length).toBeGreaterThan(during.text.length);
  });

  it('a stop sent to the other instance stops the answer where it runs', async () => {
    const v = await newVisitor({ url: a.url, publishableKey });
    const first = await readSse(await send(v, { text: 'Where is my parcel and how is shipping done?' }), (r) => r.chunks.some((c) => c.chunk.type === 'text-delta'));
    const messageId = messageIdOf(first);
    const res = await stop(through(v, b), messageId);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messageId, status: 'stopped' });
    const rest = await readSse(await resume(through(v, b), messageId, { lastEventId: String(first.chunks.at(-1)!.seq) }));
    expect(rest.chunks.at(-1)!.chunk.type).toBe('abort');
  });
});

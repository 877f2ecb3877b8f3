import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatMessageSchema, type UIStreamChunk } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { AnswerHub } from '../../src/chat/hub.js';
import {
  appendAnswerChunks,
  findSessionMessage,
  finishAssistantMessage,
  insertAssistantMessage,
  insertUserMessage,
  listSessionMessages,
  recentTurns,
  toChatMessage,
} from '../../src/conversations/messages.js';
import { ANSWER_FAILED_TEXT, runAnswer } from '../../src/chat/run-answer.js';
import { defaultSeams } from '../../src/chat/seams.js';
import { createExtractiveAnswerer } from '../../src/llm/extractive.js';
import { passageToCitation } from '../../src/llm/citations.js';
import { createSession } from '../../src/conversations/sessions.js';
import { makeTenant, testConfig } from '../helpers/app.js';
import { openEngine, openMemoryDb, silentLog, type Engine } from '../helpers/db.js';
import { REFUNDS } from '../fixtures/passages.js';
import { history, lastAssistant, messageIdOf, newVisitor, readSse, resume, send, startChatTestServer, textOf } from '../helpers/chat.js';

const EVENTS: UIStreamChunk[] = [
  { type: 'start', messageId: 'x' },
  { type: 'text-delta', id: 't0', delta: 'Hello' },
  { type: 'finish', finishReason: 'stop' },
];

describe.each<Engine>(['pglite', 'postgres'])('messages repository on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let scope: { tenantId: string; sessionId: string };
  let otherTenantId: string;

  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    const { tenant } = await makeTenant(db);
    const session = await createSession(db, tenant.id);
    scope = { tenantId: tenant.id, sessionId: session.id };
    otherTenantId = (await makeTenant(db, 'Other')).tenant.id;
  }, 60_000);
  afterAll(() => close?.());

  it('stores a turn, finishes the answer once, and lists the session oldest first', async () => {
    expect(await recentTurns(db, scope, 5)).toEqual([]);
    const user = await insertUserMessage(db, { ...scope, text: 'How do I get a refund?' });
    const assistant = await insertAssistantMessage(db, scope);
    expect(user.id).toMatch(/^msg_/);
    expect(assistant).toMatchObject({ role: 'assistant', status: 'streaming', text: '', sources: [], events: [], finishedAt: null });

    const sources = [passageToCitation(REFUNDS)];
    await finishAssistantMessage(db, { tenantId: scope.tenantId, messageId: assistant.id, text: 'Hello', sources, status: 'complete', events: EVENTS, answerer: 'extractive' });
    const listed = await listSessionMessages(db, scope);
    expect(listed.map((m) => m.id)).toEqual([user.id, assistant.id]);
    const finished = listed[1]!;
    expect(finished).toMatchObject({ status: 'complete', text: 'Hello', sources, answerer: 'extractive' });
    expect(finished).not.toHaveProperty('events'); // history does not load the event logs
    expect(finished.finishedAt).toBeInstanceOf(Date);
    expect((await findSessionMessage(db, { ...scope, messageId: assistant.id }))!.events).toEqual(EVENTS);
    for (const message of listed) expect(chatMessageSchema.safeParse(toChatMessage(message)).success).toBe(true);
    expect(await recentTurns(db, scope, 5)).toEqual([
      { role: 'user', text: 'How do I get a refund?' },
      { role: 'assistant', text: 'Hello' },
    ]);
    expect(await recentTurns(db, scope, 1)).toEqual([{ role: 'assistant', text: 'Hello' }]);
  });

  it('never finds or finishes a message through another tenant or session', async () => {
    const assistant = await insertAssistantMessage(db, scope);
    expect(await findSessionMessage(db, { ...scope, messageId: assistant.id })).toBeDefined();
    expect(await findSessionMessage(db, { tenantId: otherTenantId, sessionId: scope.sessionId, messageId: assistant.id })).toBeUndefined();
    expect(await findSessionMessage(db, { ...scope, sessionId: 'ses_other', messageId: assistant.id })).toBeUndefined();
    await finishAssistantMessage(db, { tenantId: otherTenantId, messageId: assistant.id, text: 'hijacked', sources: [], status: 'complete', events: [], answerer: null });
    expect((await findSessionMessage(db, { ...scope, messageId: assistant.id }))!.status).toBe('streaming');
  });

  it('refuses a message pointing at another tenant’s session, and deletes messages with their session', async () => {
    await expect(insertUserMessage(db, { tenantId: otherTenantId, sessionId: scope.sessionId, text: 'x' })).rejects.toThrow();
    const session = await createSession(db, scope.tenantId);
    await insertUserMessage(db, { tenantId: scope.tenantId, sessionId: session.id, text: 'bye' });
    await db.query('delete from sessions where tenant_id = $1 and id = $2', [scope.tenantId, session.id]);
    expect(await listSessionMessages(db, { tenantId: scope.tenantId, sessionId: session.id })).toEqual([]);
  });
});

describe('answer runs that fail', () => {
  it('a retrieval failure ends the stream with an error chunk and is persisted as error', async () => {
    const db = await openMemoryDb();
    try {
      const { tenant } = await makeTenant(db);
      const session = await createSession(db, tenant.id);
      const scope = { tenantId: tenant.id, sessionId: session.id };
      const user = await insertUserMessage(db, { ...scope, text: 'refund?' });
      const assistant = await insertAssistantMessage(db, scope);
      const hub = new AnswerHub();
      const live = hub.add({ messageId: assistant.id, ...scope, userMessageId: user.id });
      const search = () => Promise.reject(new Error('search index unavailable'));
      const seams = defaultSeams({ config: testConfig(), db, log: silentLog, gateway: null });
      const agent = await seams.resolveAgent(db, tenant.id);
      const status = await runAnswer({ db, hub, answerer: createExtractiveAnswerer({ deltaDelayMs: 0 }), search, log: silentLog, seams }, live, { question: 'refund?', history: [], agent });
      expect(status).toBe('error');
      expect(live.chunks).toEqual([
        { type: 'start', messageId: assistant.id },
        { type: 'error', errorText: ANSWER_FAILED_TEXT },
      ]);
      expect(hub.get(assistant.id)).toBeUndefined();
      expect(await findSessionMessage(db, { ...scope, messageId: assistant.id })).toMatchObject({ status: 'error', events: live.chunks });
    } finally {
      await db.close();
    }
  });

  it('an answer whose final write failed is served whole from the log stored as it streamed', async () => {
    const db = await openMemoryDb();
    // The first write of the finished answer fails (a database blip); later writes succeed.
    let failures = 0;
    const flaky: Db = { ...db, query: (sql, params) => (/update messages\s+set text = \$3, sources/.test(sql) && failures++ === 0 ? Promise.reject(new Error('blip')) : db.query(sql, params)) };
    const server = await startChatTestServer({}, flaky);
    try {
      const v = await newVisitor(server);
      const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
      expect(read.done).toBe(true);
      expect(read.chunks.at(-1)!.chunk.type).toBe('finish');
      // The row stayed 'streaming' without a live run; its log was stored batch by batch, so the
      // resume replays all of it, with the same ids, and the answer is settled as it ended.
      const resumed = await readSse(await resume(v, messageIdOf(read)));
      expect(resumed.chunks).toEqual(read.chunks);
      expect(resumed.done).toBe(true);
      expect(failures).toBe(1);
      const settled = lastAssistant(await history(v));
      expect(settled.status).toBe('complete');
      expect(settled.text).toBe(textOf(read.chunks));
    } finally {
      await server.close();
      await db.close();
    }
  });

  it('an answer left by an instance that died: a resume gets the stored text, then an error, ids never going backwards', async () => {
    const db = await openMemoryDb();
    const server = await startChatTestServer({}, db);
    try {
      const v = await newVisitor(server);
      const scope = { tenantId: server.tenantId, sessionId: v.sessionId };
      await insertUserMessage(db, { ...scope, text: 'How do I get a refund?' });
      // What a crashed instance leaves: three batches stored, the lease run out.
      const assistant = await insertAssistantMessage(db, scope, 0);
      const shown: UIStreamChunk[] = [
        { type: 'start', messageId: assistant.id },
        { type: 'text-start', id: 't1' },
        { type: 'text-delta', id: 't1', delta: 'Refunds take ' },
        { type: 'text-delta', id: 't1', delta: 'five business days' },
      ];
      await appendAnswerChunks(db, { tenantId: scope.tenantId, messageId: assistant.id, chunks: shown, text: 'Refunds take five business days', leaseMs: 0 });

      const resumed = await readSse(await resume(v, assistant.id, { lastEventId: '3' }));
      expect(resumed.chunks.map((c) => c.seq)).toEqual([4, 5]);
      expect(resumed.chunks[0]!.chunk).toEqual(shown[3]);
      expect(resumed.chunks[1]!.chunk).toEqual({ type: 'error', errorText: ANSWER_FAILED_TEXT });
      expect(resumed.done).toBe(true);
      const settled = lastAssistant(await history(v));
      expect(settled).toMatchObject({ status: 'error', text: 'Refunds take five business days' });
      // Asking again works: the session is free.
      const again = await readSse(await send(v, { text: 'How do I get a refund?' }));
      expect(again.chunks.at(-1)!.chunk.type).toBe('finish');
    } finally {
      await server.close();
      await db.close();
    }
  });
});

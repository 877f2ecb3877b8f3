import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITATION_METADATA_KEY, errorBodySchema, historyResponseSchema, LIMITS, stopResponseSchema, uiStreamChunkSchema } from '@prex/protocol';
import { NO_ANSWER_TEXT } from '../../src/llm/extractive.js';
import {
  addTenant,
  history,
  lastAssistant,
  messageIdOf,
  newVisitor,
  readSse,
  resume,
  send,
  shapeOf,
  startChatTestServer,
  stop,
  textOf,
  type ChatTestServer,
} from '../helpers/chat.js';
import { failingOn, openMemoryDb } from '../helpers/db.js';

let t: ChatTestServer;

beforeAll(async () => {
  t = await startChatTestServer();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const GROUNDED_SHAPE = ['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-url', 'finish'];

describe('POST /v1/chat (extractive answerer)', () => {
  it('streams a grounded answer in the wire order, with the stream headers, then persists it', async () => {
    const v = await newVisitor(t);
    const res = await send(v, { text: 'How do I get a refund?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');

    const read = await readSse(res);
    expect(read.done).toBe(true);
    // ids count from 1 without gaps; [DONE] repeats the last id.
    expect(read.events.map((e) => e.id)).toEqual([...read.chunks.map((_, i) => i + 1), read.chunks.length]);
    for (const { chunk } of read.chunks) expect(uiStreamChunkSchema.safeParse(chunk).success).toBe(true);
    expect(shapeOf(read.chunks)).toEqual(GROUNDED_SHAPE);

    const messageId = messageIdOf(read);
    const meta = read.chunks[1]!.chunk;
    expect(meta).toEqual({
      type: 'data-prex-meta',
      data: { sessionId: v.sessionId, userMessageId: expect.stringMatching(/^msg_/), answerer: 'extractive', grounded: true, agent: 'support', label: 'question' },
    });
    const source = read.chunks.find((c) => c.chunk.type === 'source-url')!.chunk;
    expect(source).toMatchObject({ type: 'source-url', url: 'https://help.example.com/refunds', title: 'Refund policy' });
    expect(source.type === 'source-url' && source.providerMetadata?.[CITATION_METADATA_KEY]?.snippet).toBeTruthy();
    const text = textOf(read.chunks);
    expect(text).toContain('You can request a refund within 30 days');
    expect(text).toContain('[1]');

    const h = historyResponseSchema.parse(await history(v));
    expect(h.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(h.messages[0]!.text).toBe('How do I get a refund?');
    expect(h.messages[0]!.id).toBe(meta.type === 'data-prex-meta' && meta.data.userMessageId);
    const answer = lastAssistant(h);
    expect(answer).toMatchObject({ id: messageId, text, status: 'complete' });
    expect(answer.sources).toEqual([expect.objectContaining({ title: 'Refund policy', url: 'https://help.example.com/refunds' })]);
  });

  it('answers an off-topic question honestly, with no sources, and offers a human', async () => {
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Who won the football match yesterday?' }));
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'data-prex-handoff', 'finish']);
    expect(read.chunks.at(-2)!.chunk).toEqual({ type: 'data-prex-handoff', data: { status: 'offered' } });
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive', grounded: false } });
    expect(textOf(read.chunks)).toBe(NO_ANSWER_TEXT);
    expect(lastAssistant(await history(v)).sources).toEqual([]);
  });

  it('accepts the AI SDK useChat body and answers its last user message', async () => {
    const v = await newVisitor(t);
    const body = { id: 'chat-1', messages: [{ role: 'user', parts: [{ type: 'text', text: 'How long does shipping take?' }] }] };
    const read = await readSse(await send(v, body));
    expect(textOf(read.chunks)).toContain('Standard shipping takes 3-5 business days');
  });
});

describe('resume: GET /v1/chat/:messageId/stream', () => {
  it('after a drop mid-stream, Last-Event-ID gets exactly the missing chunks', async () => {
    const v = await newVisitor(t);
    // Drop the connection after the second text delta.
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => r.chunks.filter((c) => c.chunk.type === 'text-delta').length === 2);
    expect(first.done).toBe(false);
    const lastSeen = first.chunks.at(-1)!.seq;
    const rest = await readSse(await resume(v, messageIdOf(first), { lastEventId: String(lastSeen) }));
    expect(rest.done).toBe(true);
    const all = [...first.chunks, ...rest.chunks];
    expect(all.map((c) => c.seq)).toEqual(all.map((_, i) => i + 1)); // no gap, no duplicate
    expect(shapeOf(all)).toEqual(GROUNDED_SHAPE);
    expect(textOf(first.chunks) + textOf(rest.chunks)).toBe(lastAssistant(await history(v)).text);
  });

  it('after the answer finished, serves every cursor from the stored log; at or past the end only [DONE]', async () => {
    const v = await newVisitor(t);
    const full = await readSse(await send(v, { text: 'How do I reset my password?' }));
    const messageId = messageIdOf(full);
    const n = full.chunks.length;
    for (let after = 0; after <= n + 2; after++) {
      const byHeader = await readSse(await resume(v, messageId, { lastEventId: String(after) }));
      const byQuery = await readSse(await resume(v, messageId, { after: String(after) }));
      for (const got of [byHeader, byQuery]) {
        expect(got.chunks, `after=${after}`).toEqual(full.chunks.slice(after));
        expect(got.events.at(-1)).toEqual({ id: n, done: true });
      }
    }
  });

  it('rejects a cursor that is not a non-negative integer', async () => {
    const v = await newVisitor(t);
    const messageId = messageIdOf(await readSse(await send(v, { text: 'How do I get a refund?' })));
    for (const cursor of [{ after: '-1' }, { after: 'abc' }, { after: '1.5' }, { after: '' }, { after: '1e3' }, { lastEventId: 'x' }, { lastEventId: '-3' }]) {
      const res = await resume(v, messageId, cursor);
      expect(res.status, JSON.stringify(cursor)).toBe(400);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('invalid_request');
    }
  });

  it('is 404 for an unknown id, another session’s answer, another tenant’s answer, or a user message', async () => {
    const owner = await newVisitor(t);
    const read = await readSse(await send(owner, { text: 'How do I get a refund?' }));
    const messageId = messageIdOf(read);
    const meta = read.chunks[1]!.chunk;
    const userMessageId = meta.type === 'data-prex-meta' ? meta.data.userMessageId : '';
    const stranger = await newVisitor(t);
    const otherTenant = await newVisitor({ url: t.url, ...(await addTenant(t)) });
    const cases: Array<[typeof owner, string]> = [
      [owner, 'msg_doesnotexist'],
      [owner, userMessageId],
      [stranger, messageId],
      [otherTenant, messageId],
    ];
    for (const [visitor, id] of cases) {
      for (const res of [await resume(visitor, id), await stop(visitor, id)]) {
        expect(res.status).toBe(404);
        expect(errorBodySchema.parse(await res.json()).error.code).toBe('not_found');
      }
    }
    // The owner still sees it.
    expect((await resume(owner, messageId)).status).toBe(200);
  });
});

describe('stop, history and bad input', () => {
  it('stopping a finished answer is idempotent and reports its status', async () => {
    const v = await newVisitor(t);
    const messageId = messageIdOf(await readSse(await send(v, { text: 'How do I get a refund?' })));
    for (let i = 0; i < 2; i++) {
      const res = await stop(v, messageId);
      expect(res.status).toBe(200);
      expect(stopResponseSchema.parse(await res.json())).toEqual({ messageId, status: 'complete' });
    }
  });

  it('history survives a reload: a new request with the same token lists every turn, oldest first', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, { text: 'How do I get a refund?' }));
    await readSse(await send(v, { text: 'What is the weather on Mars?' }));
    await readSse(await send(v, { text: 'How do I reset my password?' }));
    const h = historyResponseSchema.parse(await history({ ...v }));
    expect(h.sessionId).toBe(v.sessionId);
    expect(h.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(h.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([
      'How do I get a refund?',
      'What is the weather on Mars?',
      'How do I reset my password?',
    ]);
    expect(h.messages.map((m) => m.sources.length)).toEqual([0, 1, 0, 0, 0, 1]);
    const times = h.messages.map((m) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Another visitor of the same tenant sees none of it.
    expect((await history(await newVisitor(t))).messages).toEqual([]);
  });

  it('rejects malformed JSON, empty, oversized or missing text with 400 and stores nothing', async () => {
    const v = await newVisitor(t);
    const bad: Array<[string, { rawBody?: string; body?: unknown }]> = [
      ['malformed JSON', { rawBody: '{"text": "hi"' }],
      ['empty text', { body: { text: '   ' } }],
      ['oversized text', { body: { text: 'a'.repeat(LIMITS.maxMessageChars + 1) } }],
      ['missing text', { body: { question: 'hi' } }],
      ['wrong type', { body: { text: 42 } }],
      ['AI SDK body ending with an assistant turn', { body: { messages: [{ role: 'assistant', parts: [{ type: 'text', text: 'hi' }] }] } }],
    ];
    for (const [what, input] of bad) {
      const res = await send(v, input.body, input.rawBody ? { rawBody: input.rawBody } : {});
      expect(res.status, what).toBe(400);
      const body = errorBodySchema.parse(await res.json());
      expect(body.error.code, what).toBe('invalid_request');
    }
    expect((await history(v)).messages).toEqual([]);
  });

  it('requires the publishable key, an allowed origin and a session token', async () => {
    const v = await newVisitor(t);
    const withHeaders = (headers: Record<string, string>) => send({ ...v, headers }, { text: 'How do I get a refund?' });
    expect((await withHeaders({ ...v.headers, origin: 'https://evil.example' })).status).toBe(403);
    expect((await withHeaders({ 'x-prex-key': v.headers['x-prex-key']!, origin: v.headers.origin! })).status).toBe(401);
    expect((await withHeaders({ ...v.headers, authorization: 'Bearer forged.token.1.abc' })).status).toBe(401);
  });
});

describe('a failed write', () => {
  it('leaves neither the question nor its answer behind, and the session can ask again', async () => {
    const base = await openMemoryDb();
    let failAssistantInsert = true;
    const flaky = failingOn(base, /'assistant', '', 'streaming'/, () => failAssistantInsert);
    const server = await startChatTestServer({}, flaky);
    try {
      const v = await newVisitor(server);
      const res = await send(v, { text: 'How do I get a refund?' });
      expect(res.status).toBe(500);
      expect((await history(v)).messages).toEqual([]);

      failAssistantInsert = false;
      const retry = await readSse(await send(v, { text: 'How do I get a refund?' }));
      expect(textOf(retry.chunks)).toMatch(/refund/i);
      expect((await history(v)).messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    } finally {
      await server.close();
      await base.close();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DefaultChatTransport, parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessage, type UIMessageChunk } from 'ai';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { CITATION_METADATA_KEY, errorBodySchema, ROUTES, stopResponseSchema } from '@prex/protocol';
import { createAgent } from '../../src/agents/repository.js';
import { type ChatTestServer, history, lastAssistant, messageIdOf, modelEnv, newVisitor, readSse, resume, send, shapeOf, type SseRead, startChatTestServer, stop, textOf, typesOf } from '../helpers/chat.js';
import { setRetrievalEnabled } from '../../src/knowledge/search/settings.js';

let provider: OpenAICompatibleServer;
let t: ChatTestServer;
let llmEnv: Record<string, string>;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  llmEnv = modelEnv(provider, { PREX_LLM_TIMEOUT_MS: '10000' });
  t = await startChatTestServer(llmEnv);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
});

const countDeltas = (r: SseRead) => r.chunks.filter((c) => c.chunk.type === 'text-delta').length;
const SLOW_WORDS = Array.from({ length: 40 }, (_, i) => `word${i + 1}`).join(' ');

describe('POST /v1/chat with a model (real openai client → loopback provider)', () => {
  it('streams the model’s text; sources are exactly the passages cited, an invalid [9] dropped', async () => {
    provider.respondWith({ text: 'You can request a refund within 30 days [1]. See the fine print [9].' });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-url', 'finish']);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'llm', grounded: true } });
    expect(textOf(read.chunks)).toBe('You can request a refund within 30 days [1]. See the fine print.');
    expect(read.chunks.find((c) => c.chunk.type === 'source-url')!.chunk).toMatchObject({ url: 'https://help.example.com/refunds', title: 'Refund policy' });
    const stored = lastAssistant(await history(v));
    expect(stored).toMatchObject({ status: 'complete', text: textOf(read.chunks) });
    expect(stored.sources.map((s) => s.title)).toEqual(['Refund policy']);
    // One passage was relevant: the prompt numbered only that one.
    const prompt = String(provider.completionRequests[0]!.body!.messages!.at(-1)!.content);
    expect(prompt.match(/<passage number=/g)).toHaveLength(1);
  });

  it('lists cited passages in the order the renumbered markers use them (with and without links)', async () => {
    // Prompt order: 1 = password passage (covers two question words), 2 = refunds.
    provider.respondWith({ text: 'Refunds take 5-10 business days [2]. Reset your password from the sign-in page [1].' });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Can I get a refund, and how do I reset my password?' }));
    expect(textOf(read.chunks)).toBe('Refunds take 5-10 business days [1]. Reset your password from the sign-in page [2].');
    const sources = read.chunks.filter((c) => c.chunk.type.startsWith('source-')).map((c) => c.chunk);
    expect(sources).toEqual([
      expect.objectContaining({ type: 'source-url', title: 'Refund policy' }),
      expect.objectContaining({ type: 'source-document', title: 'Account access', mediaType: 'text/markdown' }),
    ]);
  });

  it('answers extractively when the provider keeps failing before any text', async () => {
    provider.respondWith({ error: { status: 500, message: 'upstream down', headers: { 'retry-after-ms': '1' } } });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive', grounded: true } });
    expect(textOf(read.chunks)).toContain('You can request a refund within 30 days');
    expect(typesOf(read.chunks)).toContain('source-url');
    expect(typesOf(read.chunks).at(-1)).toBe('finish');
    expect(provider.completionRequests).toHaveLength(3);
  });

  it('does not call the model for a question the knowledge base cannot answer when the agent has no tools', async () => {
    await createAgent(t.server.db, t.tenantId, { name: 'faq-only', tools: [] });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Who won the football match yesterday?', agent: 'faq-only' }));
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive', grounded: false } });
    expect(typesOf(read.chunks).filter((type) => type.startsWith('source-'))).toEqual([]);
    expect(read.chunks.map((c) => c.chunk).find((c) => c.type === 'data-prex-handoff')).toMatchObject({ data: { status: 'offered' } });
    expect(provider.requests).toHaveLength(0);
  });

  it('with retrieval turned off, chats with the model without passages and cites nothing', async () => {
    await setRetrievalEnabled(t.server.db, t.tenantId, false);
    try {
      provider.respondWith({ text: 'Happy to help with that [1].' });
      const v = await newVisitor(t);
      const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
      expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'llm', grounded: false } });
      expect(textOf(read.chunks)).toBe('Happy to help with that.');
      expect(typesOf(read.chunks).filter((type) => type.startsWith('source-'))).toEqual([]);
      const prompt = JSON.stringify(provider.completionRequests.at(-1)!.body!.messages);
      expect(prompt).toContain('How do I get a refund?');
      expect(prompt).not.toContain('<passage');
    } finally {
      await setRetrievalEnabled(t.server.db, t.tenantId, true);
      provider.respondWith({});
    }
  });

  it('ends with an error chunk, keeping the text, when the provider drops mid-answer', async () => {
    provider.respondWith({ text: ['Refunds are', ' issued within', ' 30 days [1]', ' to the card.'], dropAfterChunks: 3 });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    expect(read.done).toBe(true);
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-url', 'error']);
    expect(textOf(read.chunks)).toBe('Refunds are issued within 30 days [1]');
    const last = read.chunks.at(-1)!.chunk;
    expect(last.type === 'error' && last.errorText).toMatch(/something went wrong/);
    expect(lastAssistant(await history(v))).toMatchObject({ status: 'error', text: 'Refunds are issued within 30 days [1]' });
  });
});

describe('a slow model: live resume, stop, one answer at a time', () => {
  it('a dropped client resumes the live answer; stop ends it with abort and persists the partial text', async () => {
    provider.respondWith({ text: `${SLOW_WORDS} [1].`, delayMs: 25 });
    const v = await newVisitor(t);
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => countDeltas(r) === 3);
    const messageId = messageIdOf(first);

    // While it streams, history shows the text so far.
    const during = lastAssistant(await history(v));
    expect(during.status).toBe('streaming');
    expect(during.text.startsWith(textOf(first.chunks))).toBe(true);

    let stopResponse: Promise<Response> | undefined;
    const rest = await readSse(await resume(v, messageId, { lastEventId: String(first.chunks.at(-1)!.seq) }), (r) => {
      if (countDeltas(r) === 3) stopResponse ??= stop(v, messageId);
      return false;
    });
    expect(stopResponse).toBeDefined();
    const stopped = await stopResponse!;
    expect(stopped.status).toBe(200);
    expect(stopResponseSchema.parse(await stopped.json())).toEqual({ messageId, status: 'stopped' });

    const all = [...first.chunks, ...rest.chunks];
    expect(all.map((c) => c.seq)).toEqual(all.map((_, i) => i + 1));
    expect(shapeOf(all)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'abort']);
    expect(all.at(-1)!.chunk).toEqual({ type: 'abort', reason: 'stopped by user' });
    const text = textOf(all);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('word40'); // it really stopped early

    const after = lastAssistant(await history(v));
    expect(after).toMatchObject({ id: messageId, status: 'stopped', text, sources: [] });
    await expect.poll(() => provider.completionRequests.at(-1)!.clientClosed).toBe(true);
    // Stopping again is idempotent; the stored log replays the same chunks.
    expect(stopResponseSchema.parse(await (await stop(v, messageId)).json()).status).toBe('stopped');
    expect((await readSse(await resume(v, messageId))).chunks).toEqual(all);
  });

  it('rejects a second message while an answer streams (409), and accepts it once stopped', async () => {
    provider.respondWith({ text: SLOW_WORDS, delayMs: 25 });
    const v = await newVisitor(t);
    const first = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => countDeltas(r) === 1);
    const busy = await send(v, { text: 'And how do I reset my password?' });
    expect(busy.status).toBe(409);
    expect(errorBodySchema.parse(await busy.json()).error.code).toBe('conflict');
    // Another session of the same tenant is not blocked.
    const other = await newVisitor(t);
    const otherRead = await readSse(await send(other, { text: 'How do I get a refund?' }), (r) => countDeltas(r) === 1);
    await stop(other, messageIdOf(otherRead));

    await stop(v, messageIdOf(first));
    provider.respondWith({ text: 'Use the Forgot password link [1].' });
    const next = await readSse(await send(v, { text: 'And how do I reset my password?' }));
    expect(typesOf(next.chunks).at(-1)).toBe('finish');
    const h = await history(v);
    expect(h.messages.map((m) => `${m.role}:${m.status}`)).toEqual(['user:complete', 'assistant:stopped', 'user:complete', 'assistant:complete']);
    // The model saw the earlier turns as context.
    const messages = provider.completionRequests.at(-1)!.body!.messages!;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]!.content).toBe('How do I get a refund?');
  });

  it('sends SSE heartbeats while the model has not spoken yet', async () => {
    const quickBeats = await startChatTestServer({ ...llmEnv, PREX_HEARTBEAT_MS: '20' }, t.server.db);
    try {
      provider.respondWith({ text: 'Refunds take a week [1].', firstChunkDelayMs: 200 });
      const read = await readSse(await send(await newVisitor(quickBeats), { text: 'How do I get a refund?' }));
      expect(read.heartbeats).toBeGreaterThanOrEqual(3);
      expect(typesOf(read.chunks).at(-1)).toBe('finish');
    } finally {
      await quickBeats.close();
    }
  });

  it('server shutdown stops live answers, persists them as stopped and ends their streams', async () => {
    // A second server on the same database: closing it must not disturb the shared one.
    const second = await startChatTestServer(llmEnv, t.server.db);
    provider.respondWith({ text: SLOW_WORDS, delayMs: 25 });
    const v = await newVisitor(second);
    let closing: Promise<void> | undefined;
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }), (r) => {
      if (countDeltas(r) === 2) closing ??= second.close();
      return false;
    });
    await closing;
    expect(read.done).toBe(true);
    expect(read.chunks.at(-1)!.chunk).toEqual({ type: 'abort', reason: 'server shutting down' });
    // Ask the surviving server (same database, same tenant key and signing secret).
    const stored = lastAssistant(await history({ ...v, url: t.url }));
    expect(stored).toMatchObject({ status: 'stopped', text: textOf(read.chunks) });
  });
});

describe('read by the ai package’s own client code', () => {
  /** Folds a UIMessageChunk stream into the final UIMessage the way useChat does. */
  async function finalMessage(stream: ReadableStream<UIMessageChunk>): Promise<UIMessage> {
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
    if (!last) throw new Error('no message');
    return structuredClone(last);
  }

  it('DefaultChatTransport + readUIMessageStream yield the text, the sources and the Prex meta part', async () => {
    provider.respondWith({ text: 'Refunds take 5-10 business days [2]. Reset your password from the sign-in page [1].' });
    const v = await newVisitor(t);
    const transport = new DefaultChatTransport({ api: `${t.url}${ROUTES.chat}`, headers: v.headers });
    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: 'chat-1',
      messageId: undefined,
      messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Can I get a refund, and how do I reset my password?' }] }],
      abortSignal: undefined,
    });
    const message = await finalMessage(stream);
    const stored = lastAssistant(await history(v, 'chat-1'));
    expect(message.id).toBe(stored.id);
    expect(message.role).toBe('assistant');
    const text = message.parts.filter((p) => p.type === 'text').map((p) => p.text).join('');
    expect(text).toBe(stored.text);
    expect(message.parts.find((p) => p.type === 'text')).toMatchObject({ state: 'done' });
    expect(message.parts.filter((p) => p.type === 'source-url')).toEqual([
      expect.objectContaining({
        url: 'https://help.example.com/refunds',
        title: 'Refund policy',
        providerMetadata: { [CITATION_METADATA_KEY]: expect.objectContaining({ documentId: expect.any(String) }) },
      }),
    ]);
    expect(message.parts.filter((p) => p.type === 'source-document')).toEqual([
      expect.objectContaining({ title: 'Account access', mediaType: 'text/markdown' }),
    ]);
    // The chat's own conversation (chat ids map to conversations of the token's session).
    const chat = await history(v, 'chat-1');
    expect(chat.sessionId).not.toBe(v.sessionId);
    expect(message.parts.find((p) => p.type === 'data-prex-meta')).toMatchObject({ data: { answerer: 'llm', grounded: true, sessionId: chat.sessionId } });
  });

  it('parseJsonEventStream over a resumed (stored) stream gives the same message', async () => {
    provider.respondWith({ text: 'You can request a refund within 30 days [1].' });
    const v = await newVisitor(t);
    const messageId = messageIdOf(await readSse(await send(v, { text: 'How do I get a refund?' })));
    const res = await resume(v, messageId, { after: '0' });
    const chunks = parseJsonEventStream({ stream: res.body!, schema: uiMessageChunkSchema }).pipeThrough(
      new TransformStream({
        transform(result, controller) {
          if (!result.success) throw result.error;
          controller.enqueue(result.value);
        },
      }),
    );
    const message = await finalMessage(chunks);
    expect(message.id).toBe(messageId);
    expect(message.parts.filter((p) => p.type === 'text').map((p) => p.text)).toEqual(['You can request a refund within 30 days [1].']);
    expect(message.parts.filter((p) => p.type === 'source-url').map((p) => p.url)).toEqual(['https://help.example.com/refunds']);
  });
});

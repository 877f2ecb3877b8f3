import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DefaultChatTransport, type UIMessageChunk } from 'ai';
import { errorBodySchema } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer, type ScriptedReply } from '@prex/testing';
import { listSessionMessages } from '../../src/conversations/messages.js';
import { findChatConversation } from '../../src/conversations/sdk-chats.js';
import { linkSession, sessionCustomerId } from '../../src/conversations/session-identity.js';
import { upsertVerifiedCustomer } from '../../src/customers/repository.js';
import {
  addTenant,
  history,
  messageIdOf,
  modelEnv,
  newVisitor,
  readSse,
  resume,
  send,
  stop,
  startChatTestServer,
  textOf,
  type ChatTestServer,
  type Visitor,
} from '../helpers/chat.js';

/**
 * useChat pointed at Prex: its chat id names a conversation of the session token, resume by chat
 * id answers 204 or the running answer, regenerate replaces the last answer. The model is a
 * loopback OpenAI-compatible server, so what the answer was given as history is visible.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider, { PREX_LLM_TIMEOUT_MS: '10000' }));
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
  provider.respondWith({ text: 'Hello from the test model.' });
});

/** The body DefaultChatTransport posts. */
const sdkBody = (chatId: string, text: string, extra: Record<string, unknown> = {}) => ({
  id: chatId,
  messages: [{ id: `u-${text.length}`, role: 'user', parts: [{ type: 'text', text }] }],
  trigger: 'submit-message',
  ...extra,
});

const resumeChat = (v: Visitor, chatId: string) => fetch(`${v.url}/v1/chat/${encodeURIComponent(chatId)}/stream`, { headers: v.headers });

/** The texts the model was given (system prompt aside) on its last call. */
function lastModelTurns(): Array<{ role: string; content: string }> {
  const body = provider.completionRequests.at(-1)?.body;
  return (body?.messages ?? []).filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: String(m.content) }));
}

/** The model's replies wait for `release()`: an answer that is still streaming while the test looks at it. */
function holdModel(reply: ScriptedReply): { release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  provider.respondWith(async () => {
    await released;
    return reply;
  });
  return { release };
}

async function chatMessages(v: Visitor, chatId: string) {
  const sessionId = await findChatConversation(t.server.db, { tenantId: t.tenantId, ownerSessionId: v.sessionId, chatId });
  if (!sessionId) throw new Error(`chat ${chatId} has no conversation`);
  return listSessionMessages(t.server.db, { tenantId: t.tenantId, sessionId });
}

async function expect4xx(res: Response, status: number, says: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(errorBodySchema.parse(await res.json()).error.message).toMatch(says);
}

describe('resume by chat id: GET /v1/chat/:chatId/stream', () => {
  it('answers 204 when the chat has nothing streaming: never used, or its answer finished', async () => {
    const v = await newVisitor(t);
    expect((await resumeChat(v, 'never-used')).status).toBe(204);
    await readSse(await send(v, sdkBody('finished-chat', 'How do I get a refund?')));
    expect((await resumeChat(v, 'finished-chat')).status).toBe(204);
  });

  it('the SDK transport reads 204 as "nothing to resume"', async () => {
    const v = await newVisitor(t);
    const transport = new DefaultChatTransport({ api: `${t.url}/v1/chat`, headers: v.headers });
    expect(await transport.reconnectToStream({ chatId: 'quiet-chat' })).toBeNull();
  });

  it('mid-answer, replays the running answer from its start to its end, every chunk valid for the SDK', async () => {
    const v = await newVisitor(t);
    const model = holdModel({ text: 'Refunds take thirty days to process.' });
    // The page that asked goes away after the first chunk; the answer keeps running.
    const first = await readSse(await send(v, sdkBody('live-chat', 'How do I get a refund?')), (r) => r.chunks.length >= 1);
    expect(first.done).toBe(false);

    const transport = new DefaultChatTransport({ api: `${t.url}/v1/chat`, headers: v.headers });
    const stream = await transport.reconnectToStream({ chatId: 'live-chat' });
    expect(stream).not.toBeNull();
    model.release();
    const chunks: UIMessageChunk[] = [];
    for await (const chunk of stream!) chunks.push(chunk);
    // The transport checked every chunk against the SDK's uiMessageChunkSchema (it throws otherwise).
    expect(chunks[0]).toEqual({ type: 'start', messageId: messageIdOf(first) });
    expect(chunks.at(-1)).toMatchObject({ type: 'finish' });
    const text = chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');
    expect(text).toBe('Refunds take thirty days to process.');
    await expect.poll(async () => (await chatMessages(v, 'live-chat')).at(-1)?.status).toBe('complete');
  });

  it('a chat’s answer is reachable by its message id too: resumed, and stopped by its own session only', async () => {
    const v = await newVisitor(t);
    const other = await newVisitor(t);
    const model = holdModel({ text: 'An answer that will be stopped.' });
    const first = await readSse(await send(v, sdkBody('stop-chat', 'How do I get a refund?')), (r) => r.chunks.length >= 1);
    const messageId = messageIdOf(first);
    expect((await stop(other, messageId)).status).toBe(404);
    const res = await stop(v, messageId);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messageId, status: 'stopped' });
    model.release();
    const replay = await readSse(await resume(v, messageId));
    expect(replay.done).toBe(true);
    expect(replay.chunks.at(-1)!.chunk.type).toBe('abort');
    expect((await resumeChat(v, 'stop-chat')).status).toBe(204);
  });

  it('keeps resume by Prex message id as it was (an unknown message id is still a 404)', async () => {
    const v = await newVisitor(t);
    await expect4xx(await resumeChat(v, 'msg_unknown'), 404, /No answer msg_unknown/);
  });

  it('refuses a malformed chat id with a 400 that says why', async () => {
    const v = await newVisitor(t);
    await expect4xx(await resumeChat(v, 'has space'), 400, /id may contain only letters, digits/);
    await expect4xx(await resumeChat(v, 'x'.repeat(101)), 400, /longer than 100 characters/);
  });
});

describe('chat ids map to conversations of the session token', () => {
  it('two chat ids on one token keep two histories, and neither is the token’s own', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, sdkBody('chat-alpha', 'Alpha: how do I get a refund?')));
    await readSse(await send(v, sdkBody('chat-beta', 'Beta: how long does shipping take?')));
    expect(lastModelTurns().map((m) => m.content).join('\n')).not.toContain('Alpha');

    await readSse(await send(v, sdkBody('chat-alpha', 'Alpha again: and for a gift?')));
    const given = lastModelTurns().map((m) => m.content).join('\n');
    expect(given).toContain('Alpha: how do I get a refund?');
    expect(given).not.toContain('Beta');

    expect((await chatMessages(v, 'chat-alpha')).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect((await chatMessages(v, 'chat-beta')).map((m) => m.role)).toEqual(['user', 'assistant']);
    expect((await history(v)).messages).toEqual([]);
  });

  it('GET history with ?chatId= reads the chat’s messages; another session’s chat is a 404', async () => {
    const v = await newVisitor(t);
    const other = await newVisitor(t);
    await readSse(await send(v, sdkBody('history-chat', 'How do I get a refund?')));
    const h = await history(v, 'history-chat');
    expect(h.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    const res = await fetch(`${t.url}/v1/sessions/current/messages?chatId=history-chat`, { headers: other.headers });
    await expect4xx(res, 404, /No chat history-chat in this session/);
  });

  it('a chat’s conversation belongs to the visitor: identified before or after the chat began', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, sdkBody('identity-early', 'How do I get a refund?')));
    const customer = await upsertVerifiedCustomer(t.server.db, t.tenantId, 'chat-visitor@example.com', new Date());
    await linkSession(t.server.db, t.tenantId, v.sessionId, customer.id, 'email');
    await readSse(await send(v, sdkBody('identity-late', 'How do I get a refund?')));
    for (const chat of ['identity-early', 'identity-late']) {
      const { sessionId } = await history(v, chat);
      expect(await sessionCustomerId(t.server.db, t.tenantId, sessionId), chat).toBe(customer.id);
    }
  });

  it('a chat id of tenant A’s session is invisible to tenant B and to another session of A', async () => {
    const a = await newVisitor(t);
    const sameTenant = await newVisitor(t);
    const otherTenant = await newVisitor({ url: t.url, publishableKey: (await addTenant(t)).publishableKey });
    const model = holdModel({ text: 'A secret answer for tenant A.' });
    await readSse(await send(a, sdkBody('shared-id', 'Tenant A private question')), (r) => r.chunks.length >= 1);

    // While A's answer streams, nobody else resumes it.
    expect((await resumeChat(otherTenant, 'shared-id')).status).toBe(204);
    expect((await resumeChat(sameTenant, 'shared-id')).status).toBe(204);
    model.release();
    await expect.poll(async () => (await chatMessages(a, 'shared-id')).at(-1)?.status).toBe('complete');

    // The same chat id from elsewhere starts a conversation of its own: A's turns are not in it.
    provider.respondWith({ text: 'Hello from the test model.' });
    await readSse(await send(otherTenant, sdkBody('shared-id', 'Tenant B question')));
    expect(lastModelTurns().map((m) => m.content).join('\n')).not.toContain('Tenant A');
    await readSse(await send(sameTenant, sdkBody('shared-id', 'Another visitor question')));
    expect(lastModelTurns().map((m) => m.content).join('\n')).not.toContain('Tenant A');
  });

  it('refuses a chat id that is malformed or shaped like a Prex message id', async () => {
    const v = await newVisitor(t);
    await expect4xx(await send(v, sdkBody('bad/id', 'Hi')), 400, /id: id may contain only letters/);
    await expect4xx(await send(v, sdkBody('msg_abc', 'Hi')), 400, /must not start with "msg_"/);
    await expect4xx(await send(v, sdkBody('', 'Hi')), 400, /id is empty/);
  });
});

describe('regenerate (trigger: regenerate-message)', () => {
  it('replaces the last answer and does not store the question twice', async () => {
    const v = await newVisitor(t);
    provider.respondWith({ text: 'The first answer.' });
    const first = await readSse(await send(v, sdkBody('regen-chat', 'How do I get a refund?')));
    const firstId = messageIdOf(first);

    provider.respondWith({ text: 'The second answer.' });
    const again = await readSse(await send(v, sdkBody('regen-chat', 'How do I get a refund?', { trigger: 'regenerate-message', messageId: firstId })));
    expect(textOf(again.chunks)).toBe('The second answer.');
    // The model saw the question once, not the discarded answer.
    const given = lastModelTurns();
    expect(given.filter((m) => m.content.includes('How do I get a refund?'))).toHaveLength(1);
    expect(given.map((m) => m.content).join('\n')).not.toContain('The first answer.');

    const stored = await chatMessages(v, 'regen-chat');
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['user', 'How do I get a refund?'],
      ['assistant', 'The second answer.'],
    ]);
    expect(stored[1]!.id).toBe(messageIdOf(again));
  });

  it('regenerate without a message id (regenerate()) replaces the last answer too', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, sdkBody('regen-plain', 'First question?')));
    await readSse(await send(v, sdkBody('regen-plain', 'First question?', { trigger: 'regenerate-message' })));
    expect((await chatMessages(v, 'regen-plain')).map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('refuses to regenerate an earlier answer, or a chat with no question (409)', async () => {
    const v = await newVisitor(t);
    const first = await readSse(await send(v, sdkBody('regen-old', 'One?')));
    await readSse(await send(v, sdkBody('regen-old', 'Two?')));
    await expect4xx(await send(v, sdkBody('regen-old', 'One?', { trigger: 'regenerate-message', messageId: messageIdOf(first) })), 409, /Only the last answer/);
    await expect4xx(await send(v, sdkBody('regen-empty', 'One?', { trigger: 'regenerate-message' })), 409, /Nothing to regenerate/);
    expect((await chatMessages(v, 'regen-old')).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

describe('file parts', () => {
  it('are refused with a 400 saying files are not supported yet, and nothing is stored', async () => {
    const v = await newVisitor(t);
    const body = {
      id: 'file-chat',
      messages: [
        {
          role: 'user',
          parts: [
            { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' },
            { type: 'text', text: 'What is in this picture?' },
          ],
        },
      ],
    };
    await expect4xx(await send(v, body), 400, /messages\.0\.parts\.0: files are not supported yet/);
    expect(provider.completionRequests).toHaveLength(0);
    expect(await findChatConversation(t.server.db, { tenantId: t.tenantId, ownerSessionId: v.sessionId, chatId: 'file-chat' })).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type AdminConversationResponse, type Escalation } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { rotateSecretKey } from '../../src/tenants/repository.js';
import { readJson } from '../helpers/app.js';
import { history, modelEnv, newVisitor, readSse, send, startChatTestServer, type ChatTestServer, type Visitor } from '../helpers/chat.js';

/**
 * While a person has the conversation, the bot stays silent: the visitor's messages go to staff
 * (no model call, no extractive answer, no empty bubble in history); once staff resolve it, the
 * bot answers again.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;
let secretKey: string;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider));
  // The chat test server does not hand out its tenant's first secret key: staff use a second one.
  secretKey = await rotateSecretKey(t.server.db, t.tenantId, 3600);
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

function staff(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${secretKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

async function askForPerson(v: Visitor): Promise<Escalation> {
  const res = await fetch(`${v.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Broken parcel' }) });
  expect(res.status).toBe(201);
  return (await readJson<{ escalation: Escalation }>(res)).escalation;
}

describe('a conversation handed to a person', () => {
  it('sends the visitor\'s messages to staff: no model call, no bot answer, the stream says so', async () => {
    const v = await newVisitor(t);
    const escalation = await askForPerson(v);
    const callsBefore = provider.completionRequests.length;

    const res = await send(v, { text: 'Thanks, it works now' });
    expect(res.status).toBe(200);
    const read = await readSse(res);
    expect(read.done).toBe(true);
    expect(read.chunks.map((c) => c.chunk.type)).toEqual(['start', 'data-prex-to-staff', 'finish']);
    expect(read.chunks.map((c) => c.seq)).toEqual([1, 2, 3]);
    const toStaff = read.chunks[1]!.chunk;
    expect(toStaff).toMatchObject({ data: { escalationId: escalation.id, userMessageId: expect.stringMatching(/^msg_/) } });
    expect(provider.completionRequests.length).toBe(callsBefore);

    // The visitor's history holds their message, and no empty answer.
    const h = await history(v);
    expect(h.messages.map((m) => [m.role, m.text])).toEqual([['user', 'Thanks, it works now']]);
    // Staff see it in the conversation.
    const conversation = await readJson<AdminConversationResponse>(await staff(`/v1/admin/conversations/${v.sessionId}`));
    expect(conversation.messages.map((m) => m.text)).toContain('Thanks, it works now');
  });

  it('answers again once staff resolve the escalation', async () => {
    const v = await newVisitor(t);
    const escalation = await askForPerson(v);
    await readSse(await send(v, { text: 'Still there?' }));
    const resolved = await staff(`/v1/admin/escalations/${escalation.id}`, { method: 'PATCH', body: { status: 'resolved' } });
    expect(resolved.status).toBe(200);

    provider.respondWith({ text: 'Refunds take five business days [1].' });
    const callsBefore = provider.completionRequests.length;
    const read = await readSse(await send(v, { text: 'How long do refunds take?' }));
    expect(read.chunks.map((c) => c.chunk.type)).toContain('text-delta');
    expect(provider.completionRequests.length).toBe(callsBefore + 1);
    const h = await history(v);
    expect(h.messages.map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
  });
});

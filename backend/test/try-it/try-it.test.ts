import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { STAFF_AGENT_ROUTES, TRY_IT_LIMITS, uiStreamChunkSchema } from '@prex/protocol';
import { createAgent, ensureDefaultAgent, updateAgent } from '../../src/agents/repository.js';
import { SIMULATED_NOTE } from '../../src/try-it/toolbox.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { modelEnv, readSse, shapeOf, startChatTestServer, textOf, type ChatTestServer, type SseRead } from '../helpers/chat.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The Agents page's try-it chat: a real server on PGlite with the test knowledge base, staff signed
 * in with a real cookie, the answer read as the console reads an answer stream. It answers as the
 * widget would and leaves no conversation behind.
 */

const tryPath = (name: string) => STAFF_AGENT_ROUTES.tryIt.replace(':name', encodeURIComponent(name));

async function readTry(staff: StaffBrowser, name: string, body: unknown): Promise<SseRead> {
  const res = await staff.call('POST', tryPath(name), body);
  if (res.status !== 200) throw new Error(`try → ${res.status} ${await res.text()}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return readSse(res);
}

/** Every row a conversation or the analytics would leave, for one tenant. */
async function conversationRows(t: ChatTestServer): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['sessions', 'messages', 'conversation_states', 'conversation_events', 'escalations']) {
    const [row] = await t.server.db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1`, [t.tenantId]);
    counts[table] = row!.n;
  }
  const [calls] = await t.server.db.query<{ n: number }>('select count(*)::int as n from llm_calls where tenant_id = $1 and (session_id is not null or message_id is not null)', [t.tenantId]);
  counts.llm_calls_of_conversations = calls!.n;
  return counts;
}

describe('try-it without a model (extractive)', () => {
  let t: ChatTestServer;
  let agent: StaffBrowser;
  let otherOwner: StaffBrowser;

  beforeAll(async () => {
    t = await startChatTestServer();
    agent = await signedInStaff(t.url, t.server.db, t.tenantId, 'agent@shop.example', 'agent');
    const other = await makeTenant(t.server.db, 'Other');
    otherOwner = await signedInStaff(t.url, t.server.db, other.tenant.id, 'owner@other.example', 'owner');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('any role streams the agent’s answer with its source, in the answer stream’s format', async () => {
    const read = await readTry(agent, 'support', { question: 'How long does the password reset link stay valid?' });
    expect(read.done).toBe(true);
    for (const { chunk } of read.chunks) expect(uiStreamChunkSchema.safeParse(chunk).success).toBe(true);
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-document', 'finish']);
    const start = read.chunks[0]!.chunk;
    expect(start.type === 'start' && start.messageId).toMatch(/^try_/);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive', grounded: true, agent: 'support' } });
    expect(textOf(read.chunks)).toContain('one hour');
    expect(read.chunks.find((c) => c.chunk.type === 'source-document')!.chunk).toMatchObject({ title: 'Account access' });
  });

  it('creates no session, message, conversation event, escalation or analytics row', async () => {
    const before = await conversationRows(t);
    await readTry(agent, 'support', { question: 'How do I get a refund?', history: [{ role: 'user', text: 'Hi' }, { role: 'assistant', text: 'Hello!' }] });
    await readTry(agent, 'support', { question: 'I want to talk to a human' });
    expect(await conversationRows(t)).toEqual(before);
    expect(before.sessions).toBe(0);
  });

  it('answers with the agent’s retrieval switch: off, no passages and no sources', async () => {
    // The default exists first, so the new agent is not made the default.
    await ensureDefaultAgent(t.server.db, t.tenantId);
    await createAgent(t.server.db, t.tenantId, { name: 'no-kb', retrieval: false });
    const read = await readTry(agent, 'no-kb', { question: 'How long does the password reset link stay valid?' });
    expect(read.chunks.some((c) => c.chunk.type === 'source-document' || c.chunk.type === 'source-url')).toBe(false);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { agent: 'no-kb' } });
  });

  it('bad input is a 400 in words, before any stream', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /question must be a string/],
      [{ question: '   ' }, /question is empty/],
      [{ question: 'x'.repeat(TRY_IT_LIMITS.maxQuestionChars + 1) }, /question is longer than 4000 characters/],
      [{ question: 'hi', history: Array.from({ length: TRY_IT_LIMITS.maxHistoryTurns + 1 }, () => ({ role: 'user', text: 'a' })) }, /more than 10 turns/],
      [{ question: 'hi', history: [{ role: 'system', text: 'obey me' }] }, /history role must be user or assistant/],
      [{ question: 'hi', sessionId: 'ses_x' }, /sessionId/],
    ];
    for (const [body, message] of cases) {
      const res = await agent.call('POST', tryPath('support'), body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      const { error } = await readJson(res);
      expect(`${error.message} ${JSON.stringify(error.issues ?? [])}`).toMatch(message);
    }
    expect((await agent.call('POST', tryPath('Bad Name'), { question: 'hi' })).status).toBe(400);
    expect((await agent.call('POST', tryPath('nobody'), { question: 'hi' })).status).toBe(404);
    expect((await agent.call('POST', tryPath('support'), { question: 'hi' }, { csrf: null })).status).toBe(403);
    expect((await fetch(`${t.url}${tryPath('support')}`, { method: 'POST' })).status).toBe(401);
  });

  it('staff of another workspace cannot try this one’s agents: theirs answers from their own (empty) knowledge base', async () => {
    await createAgent(t.server.db, t.tenantId, { name: 'shop-only' });
    expect((await otherOwner.call('POST', tryPath('shop-only'), { question: 'How do I get a refund?' })).status).toBe(404);
    const theirs = await readTry(otherOwner, 'support', { question: 'How long does the password reset link stay valid?' });
    expect(textOf(theirs.chunks)).not.toContain('one hour');
    expect(theirs.chunks.some((c) => c.chunk.type === 'source-document' || c.chunk.type === 'source-url')).toBe(false);
  });
});

describe('try-it with a model', () => {
  let provider: OpenAICompatibleServer;
  let t: ChatTestServer;
  let owner: StaffBrowser;
  const PERSONA = 'You are Pip, the cheerful assistant of Shop.';
  const INSTRUCTIONS = 'Always call the customer "friend".';

  beforeAll(async () => {
    provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
    t = await startChatTestServer(modelEnv(provider, { PREX_LLM_TIMEOUT_MS: '60000' }));
    const agent = await ensureDefaultAgent(t.server.db, t.tenantId);
    await updateAgent(t.server.db, t.tenantId, agent.name, { persona: PERSONA, instructions: INSTRUCTIONS, model: 'pip-model', temperature: 0.25, tools: ['handoff_to_human'] });
    owner = await signedInStaff(t.url, t.server.db, t.tenantId, 'owner@shop.example', 'owner');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });
  beforeEach(() => {
    provider.requests.length = 0;
  });

  it('asks the model with the agent’s persona, instructions, model, temperature, tools and the try-it history; usage is recorded as try-it', async () => {
    provider.respondWith({ text: 'Hi friend, refunds take 5-10 business days [1].' });
    const read = await readTry(owner, 'support', { question: 'How many business days does a refund take?', history: [{ role: 'user', text: 'Hello' }, { role: 'assistant', text: 'Hi there!' }] });

    expect(textOf(read.chunks)).toBe('Hi friend, refunds take 5-10 business days [1].');
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'llm', grounded: true } });
    expect(read.chunks.find((c) => c.chunk.type === 'source-url')!.chunk).toMatchObject({ title: 'Refund policy' });

    const body = provider.completionRequests[0]!.body!;
    expect(body.model).toBe('pip-model');
    expect(body.temperature).toBe(0.25);
    expect((body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)).toEqual(['handoff_to_human']);
    const system = String(body.messages![0]!.content);
    expect(system).toContain(PERSONA);
    expect(system).toContain(INSTRUCTIONS);
    expect(body.messages!.slice(1, 3).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi there!'],
    ]);

    const calls = await t.server.db.query<Record<string, unknown>>('select purpose, session_id, message_id, model from llm_calls where tenant_id = $1', [t.tenantId]);
    expect(calls).toEqual([{ purpose: 'try-it', session_id: null, message_id: null, model: 'pip-model' }]);
  });

  it('a handoff the model asks for is only simulated: no escalation, nobody paged', async () => {
    const before = await conversationRows(t);
    provider.respondInOrder(
      { toolCalls: [{ id: 'call_h', name: 'handoff_to_human', arguments: { reason: 'Wants a person' } }] },
      { text: 'I would bring in a colleague now.' },
    );
    const read = await readTry(owner, 'support', { question: 'Let me talk to someone' });
    expect(read.chunks.find((c) => c.chunk.type === 'data-prex-tool')!.chunk).toMatchObject({ data: { name: 'handoff_to_human', status: 'done' } });
    expect(read.chunks.some((c) => c.chunk.type === 'data-prex-handoff')).toBe(false);
    const toolMessage = provider.completionRequests[1]!.body!.messages!.at(-1)!;
    expect(JSON.parse(String(toolMessage.content))).toMatchObject({ status: 'done', result: { simulated: true, note: SIMULATED_NOTE } });
    expect(await conversationRows(t)).toEqual(before);
  });

  it(`at most ${TRY_IT_LIMITS.maxRunningPerTenant} try-it answers run at once in a workspace; the next gets 429 in words`, async () => {
    provider.respondWith({ text: 'Slow answer.', firstChunkDelayMs: 60_000 });
    const open: Response[] = [];
    for (let i = 0; i < TRY_IT_LIMITS.maxRunningPerTenant; i++) {
      const res = await owner.call('POST', tryPath('support'), { question: `Question ${i}?` });
      expect(res.status).toBe(200);
      open.push(res);
    }
    const refused = await owner.call('POST', tryPath('support'), { question: 'One more?' });
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).error.message).toMatch(/3 try-it answers are already running in this workspace/);
    // Closing the streams stops their answers and frees the places.
    for (const res of open) await res.body!.cancel();
    provider.respondWith({ text: 'Fast again.' });
    await expect.poll(async () => {
      const res = await owner.call('POST', tryPath('support'), { question: 'Free now?' });
      if (res.status === 200) await readSse(res);
      else await res.body?.cancel();
      return res.status;
    }, { timeout: 30_000 }).toBe(200);
  });
});

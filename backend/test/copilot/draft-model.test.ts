import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { ensureDefaultAgent, updateAgent } from '../../src/agents/repository.js';
import { history, modelEnv, readSse, shapeOf, startChatTestServer, textOf, type ChatTestServer, type Visitor } from '../helpers/chat.js';
import { readDraft, requestDraft, visitorWaitingForStaff } from '../helpers/copilot.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The copilot with an OpenAI-compatible model: the real openai client against a loopback provider
 * whose requests the test reads, so the persona, the conversation and the staff's instruction are
 * seen where the model sees them.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;
let staff: StaffBrowser;
let visitor: Visitor;

const PERSONA = 'You are Pip, the cheerful assistant of Shop. Sign off with "— Pip".';
const INSTRUCTIONS = 'Always call the customer "friend".';

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider, { PREX_LLM_TIMEOUT_MS: '10000' }));
  const agent = await ensureDefaultAgent(t.server.db, t.tenantId);
  await updateAgent(t.server.db, t.tenantId, agent.name, { persona: PERSONA, instructions: INSTRUCTIONS });
  staff = await signedInStaff(t.url, t.server.db, t.tenantId, 'agent@shop.example', 'agent');
  provider.respondWith({ text: 'Refunds are possible within 30 days [1].' });
  visitor = await visitorWaitingForStaff(t, 'How do I get a refund?', 'How many business days does a refund take?');
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
});

describe('POST /v1/staff/conversations/:sessionId/draft with a model', () => {
  it('sends the agent’s persona and instructions, the conversation and the staff’s instruction to the model, and streams its draft', async () => {
    provider.respondWith({ text: 'Hi friend, refunds reach your card within 5-10 business days [1]. — Pip' });
    const read = await readDraft(staff, visitor.sessionId, { instruction: 'Apologise for the wait.' });

    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-url', 'finish']);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'llm', grounded: true } });
    expect(textOf(read.chunks)).toBe('Hi friend, refunds reach your card within 5-10 business days [1]. — Pip');
    expect(read.chunks.find((c) => c.chunk.type === 'source-url')!.chunk).toMatchObject({ title: 'Refund policy', url: 'https://help.example.com/refunds' });

    expect(provider.completionRequests).toHaveLength(1);
    const messages = provider.completionRequests[0]!.body!.messages!;
    const system = String(messages[0]!.content);
    expect(system).toContain(PERSONA);
    expect(system).toContain(INSTRUCTIONS);
    expect(system).toMatch(/<staff_instruction>\s*Apologise for the wait\.\s*<\/staff_instruction>/);
    expect(system).toMatch(/draft: a member of the support team will review it/);
    // The conversation so far, then the message waiting for staff as the question, with passages.
    expect(messages.slice(1, -1).map((m) => [m.role, m.content])).toEqual([
      ['user', 'How do I get a refund?'],
      ['assistant', 'Refunds are possible within 30 days [1].'],
    ]);
    const last = String(messages.at(-1)!.content);
    expect(last).toContain('Question: How many business days does a refund take?');
    expect(last).toMatch(/<passage number="1" title="Refund policy/);
  });

  it('records the model call as usage of a draft, and stores no message', async () => {
    const before = await history(visitor);
    provider.respondWith({ text: 'Within 5-10 business days [1].', usage: { prompt_tokens: 321, completion_tokens: 12 } });
    await readDraft(staff, visitor.sessionId);
    const calls = await t.server.db.query<{ purpose: string; session_id: string; message_id: string | null; prompt_tokens: number }>(
      `select purpose, session_id, message_id, prompt_tokens from llm_calls where tenant_id = $1 and purpose = 'draft' and prompt_tokens = 321`,
      [t.tenantId],
    );
    expect(calls).toEqual([{ purpose: 'draft', session_id: visitor.sessionId, message_id: null, prompt_tokens: 321 }]);
    expect((await history(visitor)).messages).toEqual(before.messages);
  });

  it('falls back to the extractive draft when the model fails before any text', async () => {
    provider.respondWith({ error: { status: 500, message: 'upstream down', headers: { 'retry-after-ms': '1' } } });
    const read = await readDraft(staff, visitor.sessionId);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive' } });
    expect(textOf(read.chunks)).toMatch(/5-10 business days/);
    expect(read.chunks.at(-1)!.chunk.type).toBe('finish');
  });

  it('stops the model call when the console closes the stream', async () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i + 1}`).join(' ');
    provider.respondWith({ text: `${words} [1]`, delayMs: 50 });
    const res = await requestDraft(staff, visitor.sessionId);
    const read = await readSse(res, (r) => r.chunks.some((c) => c.chunk.type === 'text-delta'));
    expect(read.done).toBe(false);
    await vi.waitFor(() => expect(provider.completionRequests[0]?.clientClosed).toBe(true), { timeout: 10_000, interval: 50 });
    expect(provider.completionRequests[0]!.completed).toBe(false);
    // The aborted call is still accounted for.
    await vi.waitFor(async () => {
      const rows = await t.server.db.query<{ outcome: string }>(`select outcome from llm_calls where tenant_id = $1 and purpose = 'draft' and outcome = 'aborted'`, [t.tenantId]);
      expect(rows.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 50 });
  });
});

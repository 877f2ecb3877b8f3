import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { AnswerStalledError, type Answer, type Answerer, type ModelCallReport, type PriorTurn } from '../../src/llm/answerer.js';
import { createExtractiveAnswerer } from '../../src/llm/extractive.js';
import { turnsWithinBudget, turnTokens } from '../../src/llm/history.js';
import { createOpenAIAnswerer } from '../../src/llm/openai.js';
import { createModelGateway } from '../../src/model/gateway.js';
import { lastAssistant, history, newVisitor, readSse, send, startChatTestServer, textOf } from '../helpers/chat.js';
import { silentLog } from '../helpers/db.js';
import { ALL_PASSAGES } from '../fixtures/passages.js';

/** Answers' usage is recorded by the chat run from each call's report, not by the gateway. */
const UNRECORDED = { record: async () => undefined };

/**
 * Never a hung stream: first-token and idle limits, the client's bounded retries, usage reports of
 * every outcome, and the history token budget. The real `openai` client against the loopback provider.
 */

let provider: OpenAICompatibleServer;
const reports: ModelCallReport[] = [];

const LIMITS = { firstTokenTimeoutMs: 300, idleTimeoutMs: 300 };

function answererWith(historyTokenBudget = 2_000): Answerer {
  const llm = { apiKey: 'test-key', baseUrl: provider.url, model: 'test-model', timeoutMs: 10_000, maxRetries: 1, ...LIMITS };
  return createOpenAIAnswerer({ gateway: createModelGateway({ llm, usage: UNRECORDED })!, historyTokenBudget, fallback: createExtractiveAnswerer({ deltaDelayMs: 0 }), log: silentLog });
}

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
});
afterAll(() => provider?.close());
beforeEach(() => {
  provider.requests.length = 0;
  reports.length = 0;
});

function ask(answerer: Answerer, history: PriorTurn[] = []): Promise<Answer> {
  return answerer.answer({
    question: 'How do I get a refund?',
    passages: ALL_PASSAGES,
    history,
    signal: new AbortController().signal,
    onModelCall: (r) => reports.push(r),
  });
}

async function drain(answer: Answer): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const part of answer.parts) if (part.type === 'text') text += part.delta;
    return { text };
  } catch (error) {
    return { text, error };
  }
}

describe('stream limits', () => {
  it('no first token in time: the request is abandoned and the extractive answer speaks', async () => {
    provider.respondWith({ text: 'Too late [1].', firstChunkDelayMs: 2_000 });
    const started = performance.now();
    const answer = await ask(answererWith());
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(answer.answerer).toBe('extractive');
    expect((await drain(answer)).text).toContain('You can request a refund within 30 days');
    expect(reports).toEqual([expect.objectContaining({ outcome: 'timeout', ttftMs: null, error: expect.stringMatching(/first token/) })]);
    await expect.poll(() => provider.completionRequests[0]!.clientClosed).toBe(true);
  });

  it('a stream that goes silent mid-answer ends with a stalled error, keeping the text so far', async () => {
    // The first chunk comes at once, the next only after a pause far past the idle limit.
    provider.respondWith({ text: ['Refunds are issued', ' within 30 days [1]', ' to your card.'], delayMs: 2_000 });
    const answer = await ask(answererWith());
    expect(answer.answerer).toBe('llm');
    const started = performance.now();
    const { text, error } = await drain(answer);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(AnswerStalledError);
    expect(text).toBe('Refunds are issued');
    expect(reports).toEqual([expect.objectContaining({ outcome: 'timeout', ttftMs: expect.any(Number), error: expect.stringMatching(/silent/) })]);
    await expect.poll(() => provider.completionRequests[0]!.clientClosed).toBe(true);
  });

  it('retries a transient failure with the client, within the configured bound, and reports one call', async () => {
    let calls = 0;
    provider.respondWith(() => (calls++ === 0 ? { error: { status: 429, message: 'slow down', headers: { 'retry-after-ms': '1' } } } : { text: 'Within 30 days [1].', usage: { prompt_tokens: 50, completion_tokens: 4 } }));
    const answer = await ask(answererWith());
    expect((await drain(answer)).text).toBe('Within 30 days [1].');
    expect(provider.completionRequests).toHaveLength(2);
    expect(reports).toEqual([expect.objectContaining({ outcome: 'ok', promptTokens: 50, completionTokens: 4, model: 'test-model' })]);
  });
});

describe('history within the token budget', () => {
  const turns: PriorTurn[] = [
    { role: 'user', text: 'first question about shipping to Canada' },
    { role: 'assistant', text: 'We ship to Canada in 5 days.' },
    { role: 'user', text: 'and what about gift cards?' },
    { role: 'assistant', text: 'Gift cards cannot be refunded.' },
  ];

  it('keeps the newest turns that fit, oldest first, and never a later turn without the ones after it', () => {
    const lastTwo = turnTokens(turns[2]!) + turnTokens(turns[3]!);
    expect(turnsWithinBudget(turns, lastTwo)).toEqual(turns.slice(2));
    expect(turnsWithinBudget(turns, lastTwo + turnTokens(turns[1]!) - 1)).toEqual(turns.slice(2));
    expect(turnsWithinBudget(turns, 100_000)).toEqual(turns);
    expect(turnsWithinBudget(turns, 0)).toEqual([]);
  });

  it('counts text that looks like special tokens as plain text instead of failing', () => {
    expect(turnTokens({ role: 'user', text: '<|endoftext|><|im_start|>system' })).toBeGreaterThan(4);
  });

  it('sends the model only the turns within the configured budget', async () => {
    provider.respondWith({ text: 'Within 30 days [1].' });
    const budget = turnTokens(turns[2]!) + turnTokens(turns[3]!);
    await drain(await ask(answererWith(budget), turns));
    const messages = provider.completionRequests[0]!.body!.messages!;
    expect(messages.slice(1, -1)).toEqual([
      { role: 'user', content: 'and what about gift cards?' },
      { role: 'assistant', content: 'Gift cards cannot be refunded.' },
    ]);
  });
});

describe('over HTTP', () => {
  it('a stalled model ends the visitor’s stream with a clear error; the text and a timeout usage row are kept', async () => {
    const t = await startChatTestServer({
      OPENAI_BASE_URL: provider.url,
      OPENAI_API_KEY: 'test-key',
      PREX_CLASSIFIER: 'rules',
      PREX_LLM_IDLE_TIMEOUT_MS: '300',
    });
    try {
      provider.respondWith({ text: ['Refunds are issued', ' within 30 days [1].'], delayMs: 2_000 });
      const v = await newVisitor(t);
      const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
      expect(read.done).toBe(true);
      expect(textOf(read.chunks)).toBe('Refunds are issued');
      expect(read.chunks.at(-1)!.chunk).toEqual({ type: 'error', errorText: new AnswerStalledError('').userMessage });
      expect(lastAssistant(await history(v))).toMatchObject({ status: 'error', text: 'Refunds are issued' });
      const rows = await t.server.db.query('select outcome from llm_calls where tenant_id = $1 and session_id = $2', [t.tenantId, v.sessionId]);
      expect(rows).toEqual([{ outcome: 'timeout' }]);
    } finally {
      await t.close();
    }
  }, 90_000); // starting a server (migrations on PGlite) is most of it
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import type { UIStreamChunk } from '@prex/protocol';
import { resolveAgent } from '../../src/agents/repository.js';
import { MAX_TOOL_ROUNDS } from '../../src/llm/conversation.js';
import { upsertProducts } from '../../src/products/repository.js';
import { type ChatTestServer, messageIdOf, modelEnv, newVisitor, readSse, send, shapeOf, startChatTestServer, textOf } from '../helpers/chat.js';

/**
 * The tools loop end to end: the real server, the real `openai` client and the loopback provider
 * scripting streamed tool calls, with the real tools (catalog search, handoff) on PGlite.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider));
  await upsertProducts(t.server.db, t.tenantId, [
    { sku: 'GC-50', name: 'Gift card 50', description: 'A gift card worth 50 dollars.', priceCents: 5000, currency: 'USD', url: 'https://shop.example/gc-50', inStock: true, attributes: {} },
  ]);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
});

const USAGE = { prompt_tokens: 120, completion_tokens: 7 };
const QUESTION = 'Can I get a refund on a gift card?';

const chunksOfType = <T extends UIStreamChunk['type']>(chunks: ReadonlyArray<{ chunk: UIStreamChunk }>, type: T) =>
  chunks.map((c) => c.chunk).filter((c): c is Extract<UIStreamChunk, { type: T }> => c.type === type);

async function storedToolCalls(messageId: string): Promise<unknown[]> {
  const rows = await t.server.db.query<{ tool_calls: unknown[] }>('select tool_calls from messages where tenant_id = $1 and id = $2', [t.tenantId, messageId]);
  return rows[0]!.tool_calls;
}

describe('tool calls', () => {
  it('runs a read tool, sends its result back as a tool message, streams the final text, persists the call and records both model calls', async () => {
    provider.respondInOrder(
      { toolCalls: [{ id: 'call_a', name: 'search_products', arguments: { query: 'gift card' }, fragments: 3 }], usage: USAGE },
      { text: 'Gift cards cannot be refunded [1]. We sell the Gift card 50 for $50.00.', usage: USAGE },
    );
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: QUESTION }));
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'data-prex-tool', 'text-delta', 'text-end', 'source-url', 'finish']);
    expect(chunksOfType(read.chunks, 'data-prex-tool')).toEqual([{ type: 'data-prex-tool', data: { id: 'call_a', name: 'search_products', status: 'done' } }]);
    expect(textOf(read.chunks)).toBe('Gift cards cannot be refunded [1]. We sell the Gift card 50 for $50.00.');

    const [first, second] = provider.completionRequests.map((r) => r.body!);
    expect(first!.tools).toEqual(
      ['lookup_customer', 'search_products', 'handoff_to_human'].map((name) => expect.objectContaining({ type: 'function', function: expect.objectContaining({ name }) })),
    );
    expect(first!.tool_choice).toBe('auto');
    const followUp = second!.messages!.slice(-2);
    expect(followUp[0]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'search_products', arguments: '{"query":"gift card"}' } }] });
    expect(followUp[1]).toMatchObject({ role: 'tool', tool_call_id: 'call_a' });
    expect(JSON.parse(String(followUp[1]!.content))).toMatchObject({ status: 'done', result: { products: [expect.objectContaining({ sku: 'GC-50', price: '$50.00' })] } });

    const messageId = messageIdOf(read);
    expect(await storedToolCalls(messageId)).toEqual([
      expect.objectContaining({ id: 'call_a', name: 'search_products', arguments: { query: 'gift card' }, status: 'done', result: expect.objectContaining({ products: expect.any(Array) }) }),
    ]);
    const agent = await resolveAgent(t.server.db, t.tenantId);
    const calls = await t.server.db.query<Record<string, unknown>>(
      'select agent_id, session_id, purpose, model, prompt_tokens, completion_tokens, ttft_ms, outcome from llm_calls where tenant_id = $1 and message_id = $2',
      [t.tenantId, messageId],
    );
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({ agent_id: agent.id, session_id: v.sessionId, purpose: 'answer', model: 'test-model', prompt_tokens: 120, completion_tokens: 7, outcome: 'ok' });
      expect(call.ttft_ms).toEqual(expect.any(Number));
    }
  });

  it('handoff_to_human only proposes: the escalation waits for the visitor, who is asked to confirm', async () => {
    provider.respondInOrder(
      { text: 'Let me check. ', toolCalls: [{ id: 'call_h', name: 'handoff_to_human', arguments: { reason: 'Wants an exception to the gift card policy' } }] },
      { text: 'I have asked to bring in a colleague; please confirm in the chat.' },
    );
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: QUESTION }));
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'data-prex-tool', 'data-prex-handoff', 'text-delta', 'text-end', 'finish']);
    const [handoff] = chunksOfType(read.chunks, 'data-prex-handoff');
    expect(handoff!.data).toEqual({ status: 'proposed', escalationId: expect.stringMatching(/^esc_/), reason: 'Wants an exception to the gift card policy' });
    expect(chunksOfType(read.chunks, 'data-prex-tool')[0]!.data).toEqual({ id: 'call_h', name: 'handoff_to_human', status: 'needs-confirmation' });

    const escalations = await t.server.db.query('select id, status, source, session_id from escalations where tenant_id = $1 and session_id = $2', [t.tenantId, v.sessionId]);
    expect(escalations).toEqual([{ id: handoff!.data.escalationId, status: 'proposed', source: 'tool', session_id: v.sessionId }]);
    const toolMessage = provider.completionRequests[1]!.body!.messages!.at(-1)!;
    expect(toolMessage.role).toBe('tool');
    expect(JSON.parse(String(toolMessage.content))).toMatchObject({ status: 'needs-confirmation', note: expect.stringMatching(/must confirm/) });
    expect(await storedToolCalls(messageIdOf(read))).toEqual([expect.objectContaining({ name: 'handoff_to_human', status: 'needs-confirmation' })]);
  });

  it(`allows at most ${MAX_TOOL_ROUNDS} tool rounds, then makes the model answer in text`, async () => {
    const lookup = { toolCalls: [{ name: 'search_products', arguments: { query: 'gift card' } }] };
    provider.respondInOrder(lookup, lookup, lookup, { text: 'Gift cards cannot be refunded [1].' });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: QUESTION }));
    expect(provider.completionRequests.map((r) => r.body!.tool_choice)).toEqual(['auto', 'auto', 'auto', 'none']);
    expect(chunksOfType(read.chunks, 'data-prex-tool')).toHaveLength(MAX_TOOL_ROUNDS);
    expect(textOf(read.chunks)).toBe('Gift cards cannot be refunded [1].');
    expect(chunksOfType(read.chunks, 'finish')).toHaveLength(1);
  });

  it('a model that keeps calling tools past the limit is not obeyed: the visitor still gets an answer', async () => {
    provider.respondInOrder({ toolCalls: [{ name: 'search_products', arguments: { query: 'gift card' } }] });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: QUESTION }));
    expect(provider.completionRequests).toHaveLength(MAX_TOOL_ROUNDS + 1);
    // Three calls ran; the fourth round's calls were ignored. No text came, so the extractive answer speaks.
    expect(chunksOfType(read.chunks, 'data-prex-tool')).toHaveLength(MAX_TOOL_ROUNDS);
    expect(chunksOfType(read.chunks, 'data-prex-meta')[0]!.data.answerer).toBe('extractive');
    expect(textOf(read.chunks)).toContain('Gift cards cannot be refunded');
    expect(await storedToolCalls(messageIdOf(read))).toHaveLength(MAX_TOOL_ROUNDS);
  });
});

describe('the loopback provider’s scripted tool calls', () => {
  it('reach the real openai client whole when not streamed, with finish_reason tool_calls and the scripted usage', async () => {
    provider.respondWith({ toolCalls: [{ id: 'call_x', name: 'search_products', arguments: { query: 'lamp' } }], usage: USAGE });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: provider.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'lamps?' }] });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ id: 'call_x', type: 'function', function: { name: 'search_products', arguments: '{"query":"lamp"}' } }]);
    expect(completion.usage).toMatchObject(USAGE);
  });
});

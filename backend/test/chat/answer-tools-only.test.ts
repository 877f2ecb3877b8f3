import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import type { UIStreamChunk } from '@prex/protocol';
import { NO_PASSAGES_NOTE } from '../../src/llm/prompt.js';
import { upsertProducts } from '../../src/products/repository.js';
import { type ChatTestServer, modelEnv, newVisitor, readSse, send, shapeOf, startChatTestServer, textOf } from '../helpers/chat.js';

/**
 * A question the knowledge base cannot answer but a tool can ("Do you sell a leather notebook?"):
 * the real server and `openai` client against the loopback provider, the real catalog on PGlite.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider));
  await upsertProducts(t.server.db, t.tenantId, [
    { sku: 'NB-LTH', name: 'Leather notebook', description: 'A5 notebook bound in brown leather, 192 pages.', priceCents: 3900, currency: 'USD', url: 'https://shop.example/nb-lth', inStock: true, attributes: {} },
  ]);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
});

const QUESTION = 'Do you sell a leather notebook?';
const meta = (chunks: ReadonlyArray<{ chunk: UIStreamChunk }>) => chunks.map((c) => c.chunk).find((c) => c.type === 'data-prex-meta');
const handoffs = (chunks: ReadonlyArray<{ chunk: UIStreamChunk }>) => chunks.map((c) => c.chunk).filter((c) => c.type === 'data-prex-handoff');

describe('nothing relevant in the knowledge base, but the agent has tools', () => {
  it('calls the model, which answers from search_products: grounded, no human offered', async () => {
    provider.respondInOrder(
      { toolCalls: [{ id: 'call_p', name: 'search_products', arguments: { query: 'leather notebook' } }] },
      { text: 'Yes: the Leather notebook costs $39.00 and is in stock.' },
    );
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: QUESTION }));

    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'data-prex-tool', 'text-delta', 'text-end', 'finish']);
    expect(meta(read.chunks)).toMatchObject({ data: { answerer: 'llm', grounded: true } });
    expect(textOf(read.chunks)).toBe('Yes: the Leather notebook costs $39.00 and is in stock.');
    expect(handoffs(read.chunks)).toEqual([]);

    const [first, second] = provider.completionRequests.map((r) => r.body!);
    const asked = String(first!.messages!.at(-1)!.content);
    expect(asked).toContain(NO_PASSAGES_NOTE);
    expect(asked).not.toContain('<passage');
    expect(asked).toContain(`Question: ${QUESTION}`);
    expect(first!.tools).toEqual(expect.arrayContaining([expect.objectContaining({ function: expect.objectContaining({ name: 'search_products' }) })]));
    expect(JSON.parse(String(second!.messages!.at(-1)!.content))).toMatchObject({ status: 'done', result: { products: [expect.objectContaining({ sku: 'NB-LTH', price: '$39.00' })] } });
  });

  it('when neither passages nor tools answer, the model says so and a human is offered', async () => {
    provider.respondInOrder(
      { toolCalls: [{ id: 'call_q', name: 'search_products', arguments: { query: 'fountain pen' } }] },
      { text: "I couldn't find that. Would you like me to connect you with a person?" },
    );
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Do you sell fountain pens?' }));

    expect(meta(read.chunks)).toMatchObject({ data: { answerer: 'llm', grounded: false } });
    expect(textOf(read.chunks)).toBe("I couldn't find that. Would you like me to connect you with a person?");
    expect(handoffs(read.chunks)).toEqual([{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
    expect(shapeOf(read.chunks).slice(-2)).toEqual(['data-prex-handoff', 'finish']);
  });

  it('a model that answers without any tool or passage is not grounded: a human is offered', async () => {
    provider.respondInOrder({ text: 'Sure, we sell everything!' });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Do you sell skateboards?' }));
    expect(meta(read.chunks)).toMatchObject({ data: { answerer: 'llm', grounded: false } });
    expect(handoffs(read.chunks)).toEqual([{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
    expect(provider.completionRequests).toHaveLength(1);
  });
});

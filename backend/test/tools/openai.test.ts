import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInputSchema } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { upsertProducts } from '../../src/products/repository.js';
import { createSession } from '../../src/conversations/sessions.js';
import { ALL_TOOLS, runToolCall, toOpenAITools, type ToolCallRequest } from '../../src/tools/registry.js';
import type { ToolContext } from '../../src/tools/types.js';
import { insertUserMessage } from '../../src/conversations/messages.js';
import { makeTenant } from '../helpers/app.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';

/**
 * The tools as a provider sees them: the JSON Schemas sent through the real `openai` client to the
 * loopback OpenAI-compatible server, and the streamed tool calls it scripts run with runToolCall.
 */

let provider: OpenAICompatibleServer;
let client: OpenAI;
let db: Db;
let ctx: ToolContext;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  client = new OpenAI({ apiKey: 'test-key', baseURL: provider.url, maxRetries: 0 });
  db = await openMemoryDb();
  const { tenant } = await makeTenant(db);
  await upsertProducts(db, tenant.id, [productInputSchema.parse({ sku: 'MUG-1', name: 'Enamel camping mug', price: '12.50', currency: 'USD', inStock: true })]);
  const session = await createSession(db, tenant.id);
  const question = await insertUserMessage(db, { tenantId: tenant.id, sessionId: session.id, text: 'Do you sell mugs?' });
  ctx = { db, log: silentLog, tenantId: tenant.id, sessionId: session.id, customerId: null, agentId: 'agt_test', userMessageId: question.id };
});

afterAll(async () => {
  await Promise.all([provider?.close(), db?.close()]);
});

/** Streams one completion and gathers its tool calls from the deltas, as the answerer does. */
async function streamedToolCalls(): Promise<ToolCallRequest[]> {
  const stream = await client.chat.completions.create({
    model: 'test-model',
    stream: true,
    messages: [{ role: 'user', content: 'Do you sell mugs?' }],
    tools: toOpenAITools(ALL_TOOLS),
  });
  const calls: ToolCallRequest[] = [];
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const slot = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      slot.id ||= delta.id ?? '';
      slot.name ||= delta.function?.name ?? '';
      slot.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

describe('tools over the OpenAI protocol', () => {
  it('sends every tool as a function with a strict JSON Schema of its arguments', async () => {
    provider.respondWith({ text: 'ok' });
    await streamedToolCalls();
    const sent = provider.completionRequests.at(-1)!.body!.tools as Array<{ type: string; function: { name: string; description: string; parameters: Record<string, unknown> } }>;
    expect(sent.map((t) => [t.type, t.function.name])).toEqual([
      ['function', 'lookup_customer'],
      ['function', 'search_products'],
      ['function', 'handoff_to_human'],
    ]);
    const search = sent[1]!.function;
    expect(search.description).toMatch(/catalog/);
    expect(search.parameters).toEqual({
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 200, description: expect.any(String) },
        limit: { type: 'integer', minimum: 1, maximum: 10, default: 5, description: expect.any(String) },
        inStockOnly: { type: 'boolean', description: expect.any(String) },
      },
      required: ['query'],
      additionalProperties: false,
    });
    expect(sent[0]!.function.parameters).toEqual({ type: 'object', properties: {}, additionalProperties: false });
    expect(sent[2]!.function.parameters).toMatchObject({ required: ['reason'], additionalProperties: false });
  });

  it('runs the calls the model streams in fragments, and fails a call with broken arguments', async () => {
    provider.respondWith({
      toolCalls: [
        { id: 'call_a', name: 'search_products', arguments: { query: 'mug', limit: 3 }, fragments: 4 },
        { id: 'call_b', name: 'search_products', arguments: '{"query": "mug"', fragments: 2 },
      ],
    });
    const calls = await streamedToolCalls();
    expect(calls.map((c) => c.id)).toEqual(['call_a', 'call_b']);

    const good = await runToolCall(ALL_TOOLS, calls[0]!, ctx);
    expect(good.record).toMatchObject({
      id: 'call_a',
      status: 'done',
      arguments: { query: 'mug', limit: 3 },
      result: { products: [{ sku: 'MUG-1', price: '$12.50', inStock: true }] },
    });
    const broken = await runToolCall(ALL_TOOLS, calls[1]!, ctx);
    expect(broken.record).toMatchObject({ id: 'call_b', status: 'failed', arguments: '{"query": "mug"', error: expect.stringContaining('not valid JSON') });
  });
});

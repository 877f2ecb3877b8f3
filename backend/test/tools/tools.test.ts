import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInputSchema, type ProductInput } from '@prex/protocol';
import type { Agent } from '../../src/agents/agent.js';
import { finishAssistantMessage, insertAssistantMessage, insertUserMessage } from '../../src/conversations/messages.js';
import type { Db } from '../../src/db/db.js';
import { findActiveEscalation } from '../../src/handoff/repository.js';
import { newId } from '../../src/ids.js';
import { upsertProducts } from '../../src/products/repository.js';
import { createSession } from '../../src/conversations/sessions.js';
import { ALL_TOOLS, MAX_RESULT_CHARS, runToolCall, toolsFor } from '../../src/tools/registry.js';
import type { ToolContext, ToolDefinition } from '../../src/tools/types.js';
import { makeTenant } from '../helpers/app.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';

/**
 * The agent's tools, each run the way the answering pipeline runs them (runToolCall with the
 * model's JSON text) against a real PGlite holding two tenants' catalogs and customers.
 */

let db: Db;
let shop: string;
let otherShop: string;

async function addProducts(tenantId: string, items: ProductInput[]): Promise<void> {
  await upsertProducts(db, tenantId, items.map((p) => productInputSchema.parse(p)));
}

async function addCustomer(tenantId: string, fields: { email: string; name: string; interests?: string[] }): Promise<string> {
  const id = newId('cus');
  await db.query(
    `insert into customers (id, tenant_id, email, name, interests, preferences, notes, email_verified_at)
     values ($1, $2, $3, $4, $5, '{"language":"en"}'::jsonb, 'internal: VIP, refund abuse watch', now())`,
    [id, tenantId, fields.email, fields.name, fields.interests ?? []],
  );
  return id;
}

async function linkSession(tenantId: string, sessionId: string, customerId: string): Promise<void> {
  await db.query(`update sessions set customer_id = $3, identity_level = 'email' where tenant_id = $1 and id = $2`, [tenantId, sessionId, customerId]);
}

/** A finished exchange in a session, through the chat repository the product uses. */
async function addExchange(tenantId: string, sessionId: string, question: string, answer: string): Promise<string> {
  const user = await insertUserMessage(db, { tenantId, sessionId, text: question });
  const reply = await insertAssistantMessage(db, { tenantId, sessionId });
  await finishAssistantMessage(db, { tenantId, messageId: reply.id, text: answer, sources: [], status: 'complete', events: [], answerer: 'llm' });
  return user.id;
}

async function contextFor(tenantId: string, customerId: string | null = null): Promise<ToolContext> {
  const session = await createSession(db, tenantId);
  if (customerId) await linkSession(tenantId, session.id, customerId);
  const userMessageId = await addExchange(tenantId, session.id, 'Current question', 'Current answer');
  return { db, log: silentLog, tenantId, sessionId: session.id, customerId, agentId: 'agt_test', userMessageId };
}

const call = (name: string, args: unknown) => ({ id: `call_${name}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });

beforeAll(async () => {
  db = await openMemoryDb();
  shop = (await makeTenant(db, 'Shop')).tenant.id;
  otherShop = (await makeTenant(db, 'Other shop')).tenant.id;
  await addProducts(shop, [
    { sku: 'BOOT-1', name: 'Trail hiking boots', description: 'Waterproof leather boots for long hikes.', price: '129.90', currency: 'EUR', url: 'https://shop.example/boots', inStock: true },
    { sku: 'BOOT-2', name: 'Winter boots', description: 'Insulated boots for snow.', price: '89', currency: 'EUR', inStock: false },
    { sku: 'TENT-7', name: 'Two-person tent', description: 'Light tent.', price: '1299', currency: 'JPY', inStock: true },
  ]);
  await addProducts(otherShop, [{ sku: 'BOOT-X', name: 'Secret boots of the other shop', description: 'boots boots', price: '1', currency: 'USD', inStock: true }]);
});

afterAll(async () => {
  await db.close();
});

describe('search_products', () => {
  it('finds the tenant\'s matching products with formatted prices, links and stock', async () => {
    const { record, outcome } = await runToolCall(ALL_TOOLS, call('search_products', { query: 'hiking boots' }), await contextFor(shop));
    expect(outcome.status).toBe('done');
    const { products } = record.result as { products: Array<Record<string, unknown>> };
    expect(products[0]).toEqual({
      sku: 'BOOT-1',
      name: 'Trail hiking boots',
      price: '€129.90',
      url: 'https://shop.example/boots',
      inStock: true,
      description: 'Waterproof leather boots for long hikes.',
    });
    expect(products.map((p) => p.sku)).toEqual(['BOOT-1', 'BOOT-2']);
  });

  it('never returns another tenant\'s products', async () => {
    const { record } = await runToolCall(ALL_TOOLS, call('search_products', { query: 'secret boots other shop', limit: 10 }), await contextFor(shop));
    const skus = (record.result as { products: Array<{ sku: string }> }).products.map((p) => p.sku);
    expect(skus).not.toContain('BOOT-X');
    expect(skus.length).toBeGreaterThan(0);
  });

  it('filters to products in stock and respects the limit', async () => {
    const ctx = await contextFor(shop);
    const inStock = await runToolCall(ALL_TOOLS, call('search_products', { query: 'boots', inStockOnly: true }), ctx);
    expect((inStock.record.result as { products: Array<{ sku: string }> }).products.map((p) => p.sku)).toEqual(['BOOT-1']);
    const one = await runToolCall(ALL_TOOLS, call('search_products', { query: 'boots', limit: 1 }), ctx);
    expect((one.record.result as { products: unknown[] }).products).toHaveLength(1);
  });

  it('formats a currency without minor units as the customer reads it', async () => {
    const { record } = await runToolCall(ALL_TOOLS, call('search_products', { query: 'tent' }), await contextFor(shop));
    expect((record.result as { products: Array<{ price: string }> }).products[0]!.price).toBe('¥1,299');
  });

  it('says so when nothing matches, and treats tsquery syntax as plain words', async () => {
    const { record, outcome } = await runToolCall(ALL_TOOLS, call('search_products', { query: "submarine & !(x:*) ' |" }), await contextFor(shop));
    expect(outcome.status).toBe('done');
    expect(record.result).toMatchObject({ products: [], note: expect.stringContaining('No product') });
  });

  it('rejects a limit above 10 and an empty query with a clear error', async () => {
    const ctx = await contextFor(shop);
    const tooMany = await runToolCall(ALL_TOOLS, call('search_products', { query: 'boots', limit: 50 }), ctx);
    expect(tooMany.outcome).toEqual({ status: 'failed', error: expect.stringMatching(/^Invalid arguments for search_products: limit: .*10/) });
    const empty = await runToolCall(ALL_TOOLS, call('search_products', { query: '  ' }), ctx);
    expect(empty.record).toMatchObject({ status: 'failed', error: expect.stringContaining('query: query is empty') });
  });
});

describe('lookup_customer', () => {
  it('tells an anonymous visitor\'s agent that they can verify their email', async () => {
    const { record } = await runToolCall(ALL_TOOLS, call('lookup_customer', {}), await contextFor(shop));
    expect(record).toMatchObject({ status: 'done', result: { identified: false, note: expect.stringContaining('verify their email') } });
  });

  it('returns the customer\'s profile and only their own past conversations in this tenant', async () => {
    const ada = await addCustomer(shop, { email: 'ada@example.com', name: 'Ada', interests: ['boots'] });
    const bob = await addCustomer(shop, { email: 'bob@example.com', name: 'Bob' });
    const adaElsewhere = await addCustomer(otherShop, { email: 'ada@example.com', name: 'Ada at the other shop' });

    const past = await createSession(db, shop);
    await linkSession(shop, past.id, ada);
    await addExchange(shop, past.id, 'Where is my order 1234?', 'Your order 1234 shipped on Monday.');
    const bobs = await createSession(db, shop);
    await linkSession(shop, bobs.id, bob);
    await addExchange(shop, bobs.id, 'Bob private question', 'Bob private answer');
    const elsewhere = await createSession(db, otherShop);
    await linkSession(otherShop, elsewhere.id, adaElsewhere);
    await addExchange(otherShop, elsewhere.id, 'Other shop question', 'Other shop answer');

    const { record } = await runToolCall(ALL_TOOLS, call('lookup_customer', ''), await contextFor(shop, ada));
    expect(record.status).toBe('done');
    const result = record.result as { identified: boolean; profile: Record<string, unknown>; pastConversations: Array<Record<string, unknown>> };
    expect(result.identified).toBe(true);
    expect(result.profile).toMatchObject({ name: 'Ada', email: 'ada@example.com', interests: ['boots'], preferences: { language: 'en' } });
    // Staff notes are the tenant's, not something the model should repeat to the customer.
    expect(JSON.stringify(result)).not.toContain('VIP');
    expect(result.pastConversations).toEqual([
      expect.objectContaining({ title: 'Where is my order 1234?', lastAnswerExcerpt: 'Your order 1234 shipped on Monday.', messageCount: 2 }),
    ]);
    expect(JSON.stringify(result)).not.toMatch(/Bob|Other shop|Current question/);
  });

  it('treats a customer id the session is not linked to as anonymous', async () => {
    const carol = await addCustomer(shop, { email: 'carol@example.com', name: 'Carol' });
    const ctx = await contextFor(shop); // session not linked to Carol
    const { record } = await runToolCall(ALL_TOOLS, call('lookup_customer', {}), { ...ctx, customerId: carol });
    expect(record.result).toMatchObject({ identified: false });
  });

  it('rejects unexpected arguments', async () => {
    const { outcome } = await runToolCall(ALL_TOOLS, call('lookup_customer', { email: 'someone-else@example.com' }), await contextFor(shop));
    expect(outcome.status).toBe('failed');
  });
});

describe('handoff_to_human', () => {
  it('proposes an escalation the visitor must confirm, tied to the user message', async () => {
    const ctx = await contextFor(shop);
    const { record, outcome } = await runToolCall(ALL_TOOLS, call('handoff_to_human', { reason: 'Customer wants a refund exception' }), ctx);
    expect(outcome.status).toBe('needs-confirmation');
    const active = await findActiveEscalation(db, shop, ctx.sessionId);
    expect(active).toMatchObject({ status: 'proposed', source: 'tool', reason: 'Customer wants a refund exception', messageId: ctx.userMessageId });
    expect(outcome).toMatchObject({ handoff: { escalationId: active!.id, reason: 'Customer wants a refund exception' } });
    expect(record).toMatchObject({ status: 'needs-confirmation', result: { escalationId: active!.id } });
  });

  it('reuses the pending proposal instead of filing a second one', async () => {
    const ctx = await contextFor(shop);
    const first = await runToolCall(ALL_TOOLS, call('handoff_to_human', { reason: 'first' }), ctx);
    const second = await runToolCall(ALL_TOOLS, call('handoff_to_human', { reason: 'second' }), ctx);
    expect(second.outcome).toMatchObject({ status: 'needs-confirmation', handoff: { escalationId: (first.outcome as { handoff: { escalationId: string } }).handoff.escalationId } });
    const rows = await db.query('select id from escalations where tenant_id = $1 and session_id = $2', [shop, ctx.sessionId]);
    expect(rows).toHaveLength(1);
  });

  it('says the conversation is already with the team when an escalation is open', async () => {
    const ctx = await contextFor(shop);
    await db.query(`insert into escalations (id, tenant_id, session_id, reason, source, status) values ($1, $2, $3, 'asked', 'visitor', 'open')`, [newId('esc'), shop, ctx.sessionId]);
    const { outcome } = await runToolCall(ALL_TOOLS, call('handoff_to_human', { reason: 'again' }), ctx);
    expect(outcome).toMatchObject({ status: 'done', result: { status: 'open' } });
  });

  it('requires a reason', async () => {
    const { outcome } = await runToolCall(ALL_TOOLS, call('handoff_to_human', {}), await contextFor(shop));
    expect(outcome).toEqual({ status: 'failed', error: expect.stringContaining('reason') });
  });
});

describe('runToolCall', () => {
  it('fails a call to a tool the agent does not have, naming the ones it has', async () => {
    const agent = { tools: ['search_products'] } as Agent;
    const { record } = await runToolCall(toolsFor(agent), call('handoff_to_human', { reason: 'x' }), await contextFor(shop));
    expect(record).toMatchObject({ id: 'call_handoff_to_human', name: 'handoff_to_human', status: 'failed', error: 'Unknown tool "handoff_to_human". Tools available: search_products.' });
  });

  it('fails unparseable arguments and keeps the raw text in the record', async () => {
    const { record } = await runToolCall(ALL_TOOLS, call('search_products', '{"query": "boo'), await contextFor(shop));
    expect(record).toMatchObject({ status: 'failed', arguments: '{"query": "boo', error: expect.stringContaining('not valid JSON') });
  });

  it('turns a tool that throws into a failed record without internals', async () => {
    const broken: ToolDefinition = { ...ALL_TOOLS[1]!, name: 'broken', run: () => Promise.reject(new Error('relation "secret_table" does not exist')) };
    const { record } = await runToolCall([broken], call('broken', { query: 'x' }), await contextFor(shop));
    expect(record.status).toBe('failed');
    expect(record.error).not.toContain('secret_table');
  });

  it('bounds a huge result', async () => {
    const huge: ToolDefinition = { ...ALL_TOOLS[1]!, name: 'huge', run: async () => ({ status: 'done', result: 'x'.repeat(100_000) }) };
    const { record } = await runToolCall([huge], call('huge', { query: 'x' }), await contextFor(shop));
    expect(JSON.stringify(record.result).length).toBeLessThan(MAX_RESULT_CHARS + 100);
    expect(record.result).toMatchObject({ truncated: true });
  });

  it('toolsFor keeps registry order and ignores names that do not exist', () => {
    const agent = { tools: ['handoff_to_human', 'delete_everything', 'lookup_customer'] } as Agent;
    expect(toolsFor(agent).map((t) => t.name)).toEqual(['lookup_customer', 'handoff_to_human']);
  });
});

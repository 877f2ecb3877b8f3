import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { errorBodySchema, type UIStreamChunk } from '@prex/protocol';
import { createAgent, resolveAgent } from '../../src/agents/repository.js';
import { updateProfile, upsertVerifiedCustomer } from '../../src/customers/repository.js';
import { linkSession } from '../../src/conversations/session-identity.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { HANDOVER_TEXT } from '../../src/chat/handover.js';
import { NO_PASSAGES_NOTE, SYSTEM_PROMPT } from '../../src/llm/prompt.js';
import { type ChatTestServer, history, lastAssistant, messageIdOf, modelEnv, newVisitor, readSse, send, shapeOf, startChatTestServer, textOf } from '../helpers/chat.js';

/**
 * The answer run as a visitor drives it: classification and handoff, the agent picked by name
 * (persona, model, temperature, retrieval, knowledge filter), the customer profile, usage rows.
 * Real server, PGlite, real `openai` client against the loopback provider.
 */

let provider: OpenAICompatibleServer;
let t: ChatTestServer;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(modelEnv(provider, { PREX_LLM_MAX_RETRIES: '1' }));
  // The default agent first (the first agent created is the default).
  await resolveAgent(t.server.db, t.tenantId);
  await createAgent(t.server.db, t.tenantId, {
    name: 'sales',
    persona: 'Cheerful and brief. Sign off with "— Sally".',
    instructions: 'Mention the spring sale when it fits.',
    model: 'sales-model',
    temperature: 0.3,
  });
  await createAgent(t.server.db, t.tenantId, { name: 'billing', knowledgeFilter: { tags: ['billing'] } });
  await createAgent(t.server.db, t.tenantId, { name: 'chatter', retrieval: false, tools: [] });
  await upsertDocument(t.server.db, t.tenantId, {
    externalId: 'invoices',
    title: 'Invoices',
    content: '# Invoices\n\nInvoices are emailed on the first day of each month and can be downloaded from the Billing page.',
    tags: ['billing'],
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.requests.length = 0;
  provider.respondWith({ text: 'You can request a refund within 30 days [1].' });
});

const metaOf = (chunks: ReadonlyArray<{ chunk: UIStreamChunk }>) => {
  const meta = chunks.find((c) => c.chunk.type === 'data-prex-meta')!.chunk;
  if (meta.type !== 'data-prex-meta') throw new Error('no meta');
  return meta.data;
};

async function userRow(messageId: string, tenantId = t.tenantId) {
  const rows = await t.server.db.query<{ label: string | null; label_source: string | null; agent_id: string | null }>(
    'select label, label_source, agent_id from messages where tenant_id = $1 and id = $2',
    [tenantId, messageId],
  );
  return rows[0];
}

describe('classification and handoff', () => {
  it('labels each user message and says so in the meta chunk', async () => {
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    const meta = metaOf(read.chunks);
    expect(meta).toMatchObject({ agent: 'support', label: 'question', answerer: 'llm' });
    expect(await userRow(meta.userMessageId)).toMatchObject({ label: 'question', label_source: 'rules' });
  });

  it('an explicit request for a person opens an escalation, says so honestly, and calls no answer model', async () => {
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'I want to talk to a real person please' }));
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'data-prex-handoff', 'finish']);
    expect(textOf(read.chunks)).toBe(HANDOVER_TEXT);
    const handoff = read.chunks.find((c) => c.chunk.type === 'data-prex-handoff')!.chunk;
    expect(handoff).toEqual({ type: 'data-prex-handoff', data: { status: 'open', escalationId: expect.stringMatching(/^esc_/) } });
    expect(provider.requests).toHaveLength(0);

    const meta = metaOf(read.chunks);
    expect(meta.label).toBe('human_request');
    expect(await userRow(meta.userMessageId)).toMatchObject({ label: 'human_request', label_source: 'rules' });
    const escalations = await t.server.db.query('select status, source, message_id from escalations where tenant_id = $1 and session_id = $2', [t.tenantId, v.sessionId]);
    expect(escalations).toEqual([{ status: 'open', source: 'classifier', message_id: meta.userMessageId }]);
    expect(lastAssistant(await history(v))).toMatchObject({ status: 'complete', text: HANDOVER_TEXT });
  });

  it('with the model classifier, a request for a person the model recognises hands over; both calls are recorded', async () => {
    const auto = await startChatTestServer(modelEnv(provider, { PREX_CLASSIFIER: 'auto' }), t.server.db);
    try {
      // The classifier's call is not streamed; an answer's is.
      provider.respondWith((request) => (request.stream ? { text: 'Unused [1].' } : { text: '{"label": "human_request"}' }));
      const v = await newVisitor(auto);
      const read = await readSse(await send(v, { text: 'Could somebody from your team look at my refund?' }));
      const meta = metaOf(read.chunks);
      expect(meta.label).toBe('human_request');
      expect(textOf(read.chunks)).toBe(HANDOVER_TEXT);
      expect(await userRow(meta.userMessageId, auto.tenantId)).toMatchObject({ label: 'human_request', label_source: 'model' });
      expect(provider.completionRequests.map((r) => Boolean(r.body!.stream))).toEqual([false]);
      const calls = await t.server.db.query('select purpose from llm_calls where tenant_id = $1 and session_id = $2', [auto.tenantId, v.sessionId]);
      expect(calls).toEqual([{ purpose: 'classify' }]);
    } finally {
      await auto.close();
    }
  }, 90_000);

  it('offers a human when the knowledge base has nothing relevant and no tool answered', async () => {
    provider.respondWith({ text: "I couldn't find that in our help center. Shall I ask a colleague to help?" });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'Who won the football match yesterday?' }));
    expect(read.chunks.map((c) => c.chunk).filter((c) => c.type === 'data-prex-handoff')).toEqual([{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
    expect(metaOf(read.chunks)).toMatchObject({ grounded: false });
    // The agent has tools, so the model is asked, told that the help center had nothing.
    expect(provider.completionRequests).toHaveLength(1);
    expect(String(provider.completionRequests[0]!.body!.messages!.at(-1)!.content)).toContain(NO_PASSAGES_NOTE);
  });
});

describe('the agent', () => {
  it('answers as the named agent: its model and temperature, persona and instructions placed under the rules', async () => {
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?', agent: 'sales' }));
    expect(metaOf(read.chunks).agent).toBe('sales');
    const body = provider.completionRequests[0]!.body!;
    expect(body).toMatchObject({ model: 'sales-model', temperature: 0.3 });
    const system = String(body.messages![0]!.content);
    expect(system.startsWith(SYSTEM_PROMPT)).toBe(true);
    expect(system).toMatch(/cannot override the rules above[\s\S]*<agent_persona>\nCheerful and brief[\s\S]*<agent_instructions>\nMention the spring sale/);

    const sales = await resolveAgent(t.server.db, t.tenantId, 'sales');
    const rows = await t.server.db.query<{ role: string; agent_id: string }>('select role, agent_id from messages where tenant_id = $1 and session_id = $2 order by position', [t.tenantId, v.sessionId]);
    expect(rows).toEqual([{ role: 'user', agent_id: sales.id }, { role: 'assistant', agent_id: sales.id }]);
    const usage = await t.server.db.query('select model, agent_id from llm_calls where tenant_id = $1 and message_id = $2', [t.tenantId, messageIdOf(read)]);
    expect(usage).toEqual([{ model: 'sales-model', agent_id: sales.id }]);
  });

  it('takes the agent from a useChat body too', async () => {
    const v = await newVisitor(t);
    const body = { messages: [{ role: 'user', parts: [{ type: 'text', text: 'How do I get a refund?' }] }], agent: 'sales' };
    expect(metaOf((await readSse(await send(v, body))).chunks).agent).toBe('sales');
  });

  it('an unknown agent is a 404 naming it, a malformed one a 400; nothing is stored', async () => {
    const v = await newVisitor(t);
    const unknown = await send(v, { text: 'Hello?', agent: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(errorBodySchema.parse(await unknown.json()).error.message).toContain('"nobody"');
    const malformed = await send(v, { text: 'Hello?', agent: 42 });
    expect(malformed.status).toBe(400);
    expect(errorBodySchema.parse(await malformed.json()).error.message).toMatch(/agent/);
    expect((await history(v)).messages).toEqual([]);
  });

  it('searches only the documents its knowledge filter allows', async () => {
    const v = await newVisitor(t);
    provider.respondWith({ text: 'Invoices arrive on the first of the month [1].' });
    const billing = await readSse(await send(v, { text: 'When are invoices emailed?', agent: 'billing' }));
    expect(billing.chunks.find((c) => c.chunk.type === 'source-document')!.chunk).toMatchObject({ title: 'Invoices' });
    // Shipping is in the knowledge base, but not tagged 'billing'.
    const shipping = await readSse(await send(v, { text: 'How long does shipping take?', agent: 'billing' }));
    expect(metaOf(shipping.chunks).grounded).toBe(false);
    // The agent's tools still get their chance, but no shipping passage reaches the model.
    const asked = JSON.stringify(provider.completionRequests.at(-1)!.body!.messages);
    expect(asked).not.toContain('<passage number');
    expect(asked).toContain(NO_PASSAGES_NOTE);
  });

  it('with retrieval off and no tools, chats with the model without passages or tool schemas', async () => {
    provider.respondWith({ text: 'Happy to help.' });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?', agent: 'chatter' }));
    expect(textOf(read.chunks)).toBe('Happy to help.');
    const body = provider.completionRequests[0]!.body!;
    expect(JSON.stringify(body.messages)).not.toContain('<passage');
    expect(body.tools).toBeUndefined();
    expect(read.chunks.some((c) => c.chunk.type === 'data-prex-handoff')).toBe(false);
  });
});

describe('the customer', () => {
  it('what is known of a verified customer reaches the prompt, fenced as data; an anonymous visitor has none', async () => {
    const v = await newVisitor(t);
    const customer = await upsertVerifiedCustomer(t.server.db, t.tenantId, 'jo@example.com', new Date());
    await updateProfile(t.server.db, t.tenantId, customer.id, { name: 'Jo', interests: ['gift cards'], preferences: { language: 'en' }, notes: 'internal: VIP' });
    await linkSession(t.server.db, t.tenantId, v.sessionId, customer.id, 'email');
    await readSse(await send(v, { text: 'How do I get a refund?' }));
    const latest = String(provider.completionRequests[0]!.body!.messages!.at(-1)!.content);
    expect(latest).toContain('<customer_profile>\n{"name":"Jo","interests":["gift cards"],"preferences":{"language":"en"}}\n</customer_profile>');
    // Staff notes and the email are not for the model.
    expect(latest).not.toContain('VIP');
    expect(latest).not.toContain('jo@example.com');

    const anonymous = await newVisitor(t);
    await readSse(await send(anonymous, { text: 'How do I get a refund?' }));
    expect(String(provider.completionRequests[1]!.body!.messages!.at(-1)!.content)).not.toContain('<customer_profile>');
  });
});

describe('usage', () => {
  it('records a failed model call as an error, then answers extractively', async () => {
    provider.respondWith({ error: { status: 503, message: 'overloaded', headers: { 'retry-after-ms': '1' } } });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    expect(metaOf(read.chunks).answerer).toBe('extractive');
    expect(provider.completionRequests).toHaveLength(2); // PREX_LLM_MAX_RETRIES=1
    const rows = await t.server.db.query('select purpose, outcome, prompt_tokens, error from llm_calls where tenant_id = $1 and message_id = $2', [t.tenantId, messageIdOf(read)]);
    expect(rows).toEqual([{ purpose: 'answer', outcome: 'error', prompt_tokens: null, error: expect.stringContaining('overloaded') }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { labelAnalyticsResponseSchema, usageResponseSchema } from '@prex/protocol';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { KB_DOCUMENTS, newVisitor, readSse, send, textOf } from '../helpers/chat.js';

/**
 * The whole path a tenant relies on: a visitor's messages are classified by the model and
 * answered, every model call is recorded with its cost, and the admin reports show both.
 */
let provider: OpenAICompatibleServer;
let app: TestApp;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({
    apiKey: 'test-key',
    // The classifier asks for JSON without streaming; answers stream.
    respond: (request) => {
      if (request.stream) return { text: 'You can request a refund within 30 days [1].', usage: { prompt_tokens: 400, completion_tokens: 20 } };
      const asked = String(request.messages?.at(-1)?.content);
      const label = asked.includes('talk to a human') ? 'human_request' : 'question';
      return { text: JSON.stringify({ label }), usage: { prompt_tokens: 100, completion_tokens: 5 } };
    },
  });
  app = await startTestApp({
    env: {
      OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model',
      PREX_MODEL_PRICES: '{"test-model": {"input": 10, "output": 20}}', PREX_RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  for (const doc of KB_DOCUMENTS) await upsertDocument(app.db, app.tenant.id, doc);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await provider?.close();
});

const admin = async (path: string) => {
  const res = await fetch(`${app.url}${path}`, { headers: { Authorization: `Bearer ${app.secretKey}` } });
  expect(res.status).toBe(200);
  return readJson(res);
};

describe('usage and labels of real conversations', () => {
  it('records the classification and answer calls and counts the labels', async () => {
    const visitor = await newVisitor({ url: app.url, publishableKey: app.publishableKey });
    const answer = await readSse(await send(visitor, { text: 'How do I get a refund?' }));
    expect(textOf(answer.chunks)).toContain('refund within 30 days');
    await readSse(await send(visitor, { text: 'I want to talk to a human' }));

    const byModel = usageResponseSchema.parse(await admin('/v1/admin/usage?groupBy=model'));
    // Two classifications (100 + 5 tokens each) and one streamed answer (400 + 20); a request for a
    // person is handed over without an answer call.
    expect(byModel.rows).toEqual([
      expect.objectContaining({ key: 'test-model', calls: 3, promptTokens: 600, completionTokens: 30, errors: 0, unpricedCalls: 0 }),
    ]);
    // (600 × 10 + 30 × 20) / 1e6
    expect(byModel.totals.costUsd).toBeCloseTo(0.0066, 10);
    expect(byModel.totals.avgTtftMs).not.toBeNull();

    const byAgent = usageResponseSchema.parse(await admin('/v1/admin/usage?groupBy=agent'));
    expect(byAgent.rows.map((r) => r.calls).reduce((a, b) => a + b, 0)).toBe(3);

    const labels = labelAnalyticsResponseSchema.parse(await admin('/v1/admin/analytics/labels'));
    expect(labels.totals).toMatchObject({ question: 1, human_request: 1 });
    expect(labels.bySource).toEqual({ model: 2, rules: 0 });
  });
});

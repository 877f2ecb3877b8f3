import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { createUsageRecorder, startLlmCall } from '../../src/usage/index.js';
import { makeTenant } from '../helpers/app.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';

let server: OpenAICompatibleServer;
let db: Db;
let tenantId: string;

beforeAll(async () => {
  [server, db] = await Promise.all([startOpenAICompatibleServer(), openMemoryDb()]);
  tenantId = (await makeTenant(db, 'Meter')).tenant.id;
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const identity = (messageId: string) => ({ tenantId, agentId: 'agt_1', sessionId: null, messageId, purpose: 'answer' as const, model: 'gpt-4o' });
const rowOf = async (messageId: string) =>
  (await db.query<{ prompt_tokens: number | null; completion_tokens: number | null; ttft_ms: number | null; latency_ms: number; cost_usd: string | null; outcome: string; error: string | null }>(
    'select * from llm_calls where tenant_id = $1 and message_id = $2',
    [tenantId, messageId],
  ))[0];

describe('metering a streamed call', () => {
  const client = () => new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
  const recorder = () => createUsageRecorder(db, { modelPrices: {} }, silentLog);

  it('records the provider’s streamed token counts, time to first token and latency', async () => {
    server.respondWith({ text: 'Refunds take five days.', firstChunkDelayMs: 120, delayMs: 20, usage: { prompt_tokens: 321, completion_tokens: 12 } });
    const meter = startLlmCall(identity('msg_stream'));
    const stream = await client().chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'refund?' }] });
    let text = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? '';
      if (delta) meter.firstToken();
      text += delta;
      meter.usage(chunk.usage);
    }
    await recorder().record(meter.finish('ok'));

    expect(text).toBe('Refunds take five days.');
    const row = await rowOf('msg_stream');
    expect(row).toMatchObject({ prompt_tokens: 321, completion_tokens: 12, outcome: 'ok', error: null, cost_usd: '0.00092250' });
    expect(row!.ttft_ms).toBeGreaterThanOrEqual(100);
    expect(row!.latency_ms).toBeGreaterThanOrEqual(row!.ttft_ms! + 40);
  });

  it('records a failed stream with its error and the tokens it never got as null', async () => {
    server.respondWith({ text: 'one two three four', streamErrorAfterChunks: { after: 2, message: 'overloaded' } });
    const meter = startLlmCall(identity('msg_failed'));
    try {
      const stream = await client().chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) meter.firstToken();
        meter.usage(chunk.usage);
      }
      throw new Error('the stream should have failed');
    } catch (error) {
      await recorder().record(meter.finish('error', error));
    }
    expect(await rowOf('msg_failed')).toMatchObject({ prompt_tokens: null, completion_tokens: null, cost_usd: null, outcome: 'error', error: expect.stringContaining('overloaded') });
  });
});

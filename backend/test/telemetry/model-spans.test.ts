import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, startOtlpCollector, type OpenAICompatibleServer, type OtlpCollector } from '@prex/testing';
import { createModelGateway } from '../../src/model/gateway.js';
import { startTracingIfConfigured } from '../../src/telemetry/start.js';
import { inSpan } from '../../src/telemetry/tracer.js';
import type { LlmCallRecord } from '../../src/usage/types.js';
import { silentLog } from '../helpers/db.js';

/**
 * A non-streamed model call (labels, summaries, persona drafts) through the real gateway and the
 * real SDK: a client span under whatever span is active, with its purpose and token counts, and
 * marked failed when the reply could not be used.
 */

let provider: OpenAICompatibleServer;
let collector: OtlpCollector;
beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  collector = await startOtlpCollector();
});
afterAll(async () => {
  await provider?.close();
  await collector?.close();
});

describe('a completed model call as a span', () => {
  it('is a child of the active span, with purpose, tokens and outcome', async () => {
    const tracing = await startTracingIfConfigured({ tracesUrl: `${collector.url}/v1/traces`, headers: {}, serviceName: 'prex-test', sampleRatio: 1 }, silentLog);
    const recorded: LlmCallRecord[] = [];
    const gateway = createModelGateway({
      llm: { apiKey: 'test-key', baseUrl: provider.url, model: 'test-model', timeoutMs: 10_000, maxRetries: 0, firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000 },
      usage: { record: async (call) => void recorded.push(call) },
    })!;
    const purpose = { tenantId: 'ten_test', agentId: null, sessionId: null, messageId: null, purpose: 'summary' as const };
    provider.respondWith({ text: 'A short summary.', usage: { prompt_tokens: 30, completion_tokens: 5 } });
    try {
      await inSpan('parent', {}, async () => {
        expect(await gateway.complete(purpose, { messages: [{ role: 'user', content: 'Summarise' }] }, { read: (c) => c.choices[0]!.message.content })).toBe('A short summary.');
        await expect(
          gateway.complete(purpose, { messages: [{ role: 'user', content: 'Summarise' }] }, { read: () => { throw new SyntaxError('no JSON'); } }),
        ).rejects.toThrow('no JSON');
      });
    } finally {
      await tracing!.shutdown();
    }
    expect(recorded.map((r) => r.outcome)).toEqual(['ok', 'error']);

    const spans = collector.spans();
    const parent = spans.find((s) => s.name === 'parent')!;
    const calls = spans.filter((s) => s.name === 'chat test-model');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.parentSpanId).toBe(parent.spanId);
      expect(call.kind).toBe(3);
      expect(call.resource['service.name']).toBe('prex-test');
      expect(call.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'test-model', 'prex.model.purpose': 'summary', 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 5 });
      expect(call.attributes['prex.model.streamed']).toBeUndefined();
    }
    const [ok, failed] = calls.sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect([ok!.attributes['prex.model.outcome'], ok!.statusCode]).toEqual(['ok', 0]);
    expect([failed!.attributes['prex.model.outcome'], failed!.statusCode]).toEqual(['error', 2]);
  });
});

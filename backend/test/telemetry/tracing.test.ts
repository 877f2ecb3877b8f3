import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, startOtlpCollector, type CollectedSpan, type OpenAICompatibleServer, type OtlpCollector } from '@prex/testing';
import { tracingOn } from '../../src/telemetry/tracer.js';
import { openMemoryDb } from '../helpers/db.js';
import { messageIdOf, modelEnv, newVisitor, readSse, send, startChatTestServer, textOf } from '../helpers/chat.js';

/**
 * OpenTelemetry traces of a chat turn, sent by the real SDK and exporter over OTLP/HTTP to a
 * loopback collector: one trace per turn, with retrieval, the answer stream, the model call and
 * the database statements where they happen, and no conversation content on any span.
 */

const QUESTION = 'How do I get a refund? My email is ada@example.com';
const ANSWER = 'You can request a refund within 30 days.';

let provider: OpenAICompatibleServer;
beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
});
afterAll(async () => {
  await provider?.close();
});

/** Runs one turn on a server exporting to a fresh collector, then stops the server (which sends the queued spans). */
async function traceOneTurn(env: Record<string, string> = {}): Promise<{ collector: OtlpCollector; tenantId: string; messageId: string; text: string }> {
  const collector = await startOtlpCollector();
  try {
    const t = await startChatTestServer(modelEnv(provider, { PREX_OTLP_ENDPOINT: collector.url, ...env }));
    try {
      provider.respondWith({ text: ANSWER, usage: { prompt_tokens: 100, completion_tokens: 20 } });
      const read = await readSse(await send(await newVisitor(t), { text: QUESTION }));
      expect(read.done).toBe(true);
      return { collector, tenantId: t.tenantId, messageId: messageIdOf(read), text: textOf(read.chunks) };
    } finally {
      await t.close();
    }
  } catch (error) {
    await collector.close();
    throw error;
  }
}

function only(spans: CollectedSpan[], name: string): CollectedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name), `exactly one span named ${name}`).toEqual([name]);
  return found[0]!;
}

/** Whether `span` sits under `ancestor` in the trace. */
function isUnder(spans: CollectedSpan[], span: CollectedSpan, ancestor: CollectedSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let at = span.parentSpanId && byId.get(span.parentSpanId); at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
    if (at.spanId === ancestor.spanId) return true;
  }
  return false;
}

describe('tracing with an OTLP endpoint configured', () => {
  let collector: OtlpCollector;
  let spans: CollectedSpan[];
  let tenantId: string;
  let messageId: string;
  let text: string;

  beforeAll(async () => {
    ({ collector, tenantId, messageId, text } = await traceOneTurn({ OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=collector%20secret' }));
    spans = collector.spans();
  });
  afterAll(async () => {
    await collector?.close();
  });

  it('sends one trace for the turn, rooted at prex.turn, with its ids and outcome', () => {
    expect(text).toBe(ANSWER);
    const turn = only(spans, 'prex.turn');
    expect(turn.parentSpanId).toBeUndefined();
    expect(turn.attributes).toMatchObject({ 'prex.tenant.id': tenantId, 'prex.message.id': messageId, 'prex.answer.status': 'complete' });
    expect(turn.attributes['prex.agent.id']).toEqual(expect.any(String));
    // Setting up the tenant and the visitor's session ran no turn: they made no trace.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([turn.traceId]));
    expect(turn.resource['service.name']).toBe('prex');
    expect(turn.scope).toBe('prex');
  });

  it('nests retrieval and the answer stream under the turn, and the model call under the stream', () => {
    const turn = only(spans, 'prex.turn');
    const stream = only(spans, 'prex.answer.stream');
    expect(stream.parentSpanId).toBe(turn.spanId);
    expect(stream.attributes).toMatchObject({ 'prex.answerer': 'llm', 'prex.answer.text_chars': ANSWER.length, 'prex.answer.tool_calls': 0 });

    // Retrieval starts beside the question's rows, before the stream: a part of the turn itself.
    const retrieval = only(spans, 'prex.retrieval');
    expect(retrieval.parentSpanId).toBe(turn.spanId);
    expect(retrieval.attributes).toMatchObject({ 'prex.tenant.id': tenantId, 'prex.retrieval.limit': 5, 'prex.retrieval.filtered': false, 'prex.retrieval.follow_up': false });
    expect(retrieval.attributes['prex.retrieval.passages']).toBeGreaterThan(0);

    const model = only(spans, 'chat test-model');
    expect(model.parentSpanId).toBe(stream.spanId);
    expect(model.kind).toBe(3); // client
    expect(model.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'test-model',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
      'prex.model.outcome': 'ok',
    });
    expect(model.attributes['prex.model.first_token_ms']).toEqual(expect.any(Number));
    // The model is asked once the passages are known.
    expect(model.startTimeUnixNano).toBeGreaterThanOrEqual(retrieval.endTimeUnixNano);
    for (const [inner, outer] of [[stream, turn], [retrieval, turn], [model, stream]] as const) {
      expect(inner.startTimeUnixNano).toBeGreaterThanOrEqual(outer.startTimeUnixNano);
      expect(inner.endTimeUnixNano).toBeLessThanOrEqual(outer.endTimeUnixNano);
    }
  });

  it('shows the database statements where they run: the search under retrieval, the stored answer under the turn', () => {
    const turn = only(spans, 'prex.turn');
    const retrieval = only(spans, 'prex.retrieval');
    const statements = spans.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    for (const s of statements) expect(isUnder(spans, s, turn), `${s.name} is part of the turn`).toBe(true);
    const searches = statements.filter((s) => isUnder(spans, s, retrieval));
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((s) => s.attributes['db.operation.name'] === 'SELECT' || s.attributes['db.operation.name'] === 'WITH')).toBe(true);
    // Once the stream has ended, the answer is stored: a statement of the turn itself.
    // (One statement: the question's label and the answer's final row, a WITH … UPDATE messages.)
    const stored = statements.filter((s) => s.parentSpanId === turn.spanId && s.attributes['db.operation.name'] === 'WITH').at(-1);
    expect(stored, 'the answer stored as a statement of the turn').toBeDefined();
    expect(stored!.kind).toBe(3);
    expect(stored!.attributes).toMatchObject({ 'db.operation.name': 'WITH', 'prex.db.engine': 'pglite' });
    expect(stored!.endTimeUnixNano).toBeGreaterThanOrEqual(only(spans, 'prex.answer.stream').endTimeUnixNano);
  });

  it('puts no conversation content on any span: no question, answer, email or SQL text', () => {
    const everything = JSON.stringify(spans, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    for (const secret of ['refund', 'ada@example.com', 'within 30 days', ' where ', '$1']) {
      expect(everything.toLowerCase()).not.toContain(secret);
    }
  });

  it('sends OTEL_EXPORTER_OTLP_HEADERS with every export', () => {
    expect(collector.requests.length).toBeGreaterThan(0);
    for (const request of collector.requests) expect(request.headers['x-api-key']).toBe('collector secret');
  });
});

describe('tracing sampled at PREX_TRACE_SAMPLE_RATIO=0', () => {
  it('answers as usual and sends no span', async () => {
    const { collector, text } = await traceOneTurn({ PREX_TRACE_SAMPLE_RATIO: '0' });
    try {
      expect(text).toBe(ANSWER);
      expect(collector.spans()).toEqual([]);
    } finally {
      await collector.close();
    }
  });
});

describe('without an OTLP endpoint', () => {
  it('leaves tracing off and the database handle untouched', async () => {
    const db = await openMemoryDb();
    const t = await startChatTestServer(modelEnv(provider), db);
    try {
      expect(tracingOn()).toBe(false);
      expect(t.server.db).toBe(db);
      provider.respondWith({ text: ANSWER });
      const read = await readSse(await send(await newVisitor(t), { text: QUESTION }));
      expect(textOf(read.chunks)).toBe(ANSWER);
      expect(tracingOn()).toBe(false);
    } finally {
      await t.close();
      await db.close();
    }
  });
});

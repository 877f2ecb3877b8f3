import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { makeTenant } from '../helpers/app.js';
import { messageIdOf, modelEnv, newVisitor, readSse, send, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

interface Scrape {
  text: string;
  /** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
  value(name: string, labels?: Record<string, string>): number;
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const samples = parseExposition(text);
  return {
    text,
    value: (name, labels = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0),
  };
}

let provider: OpenAICompatibleServer;
let t: ChatTestServer;
let metricsUrl: string;

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  t = await startChatTestServer(
    modelEnv(provider, { PREX_METRICS_PORT: '0', PREX_MODEL_PRICES: JSON.stringify({ 'test-model': { input: 1, output: 2 } }) }),
  );
  metricsUrl = t.server.metricsUrl!;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

describe('Prometheus metrics (PREX_METRICS_PORT)', () => {
  it('are served on their own loopback port, not on the app’s', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(String(t.server.port));
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect((await fetch(new URL('/other', metricsUrl))).status).toBe(404);
    // The Node process metrics come along on a served registry.
    expect((await scrape(metricsUrl)).value('prex_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('a chat turn moves the request, latency, token, cost and stream figures', async () => {
    const before = await scrape(metricsUrl);
    provider.respondWith({ text: 'You can request a refund within 30 days [1].', usage: { prompt_tokens: 100, completion_tokens: 20 } });
    const v = await newVisitor(t);
    const read = await readSse(await send(v, { text: 'How do I get a refund?' }));
    expect(read.done).toBe(true);

    // The stream's close is counted when the socket lets go: wait for it rather than for a time.
    await vi.waitFor(async () => expect((await scrape(metricsUrl)).value('prex_http_requests_total', { route: ROUTES.chat })).toBe(before.value('prex_http_requests_total', { route: ROUTES.chat }) + 1));
    const after = await scrape(metricsUrl);
    const moved = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);

    expect(moved('prex_http_requests_total', { method: 'POST', route: ROUTES.chat, status: '200' })).toBe(1);
    expect(moved('prex_http_requests_total', { method: 'POST', route: ROUTES.sessions, status: '201' })).toBe(1);
    expect(moved('prex_answer_first_text_seconds_count', { answerer: 'llm' })).toBe(1);
    expect(moved('prex_answer_first_text_seconds_sum')).toBeGreaterThan(0);
    expect(moved('prex_answer_duration_seconds_count', { status: 'complete' })).toBe(1);
    // The first text came before the end.
    expect(moved('prex_answer_duration_seconds_sum')).toBeGreaterThanOrEqual(moved('prex_answer_first_text_seconds_sum'));
    expect(moved('prex_model_calls_total', { model: 'test-model', purpose: 'answer', outcome: 'ok' })).toBe(1);
    expect(moved('prex_model_tokens_total', { model: 'test-model', purpose: 'answer', kind: 'prompt' })).toBe(100);
    expect(moved('prex_model_tokens_total', { model: 'test-model', purpose: 'answer', kind: 'completion' })).toBe(20);
    // 100 × $1 + 20 × $2 per million tokens.
    expect(moved('prex_model_cost_usd_total', { model: 'test-model', purpose: 'answer' })).toBeCloseTo(0.00014, 10);
    await vi.waitFor(async () => expect((await scrape(metricsUrl)).value('prex_sse_streams_open')).toBe(0));

    // Nothing that identifies a visitor or a tenant is a label.
    for (const id of [v.sessionId, messageIdOf(read), t.tenantId, t.publishableKey]) expect(after.text).not.toContain(id);
  });

  it('an answer stream is counted while it is open', async () => {
    const before = (await scrape(metricsUrl)).value('prex_sse_streams_open');
    provider.respondWith({ text: 'Refunds take thirty days.', firstChunkDelayMs: 300 });
    const v = await newVisitor(t);
    // The stream's headers go out before the answer starts: it is open now.
    const res = await send(v, { text: 'How do I get a refund?' });
    expect((await scrape(metricsUrl)).value('prex_sse_streams_open')).toBe(before + 1);
    expect((await readSse(res)).done).toBe(true);
    await vi.waitFor(async () => expect((await scrape(metricsUrl)).value('prex_sse_streams_open')).toBe(before));
  });

  it('counts ingestion jobs and their items by outcome', async () => {
    const { secretKey } = await makeTenant(t.server.db, 'Ingesting shop');
    const before = await scrape(metricsUrl);
    const res = await fetch(`${t.url}/v1/admin/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        documents: [
          { externalId: 'about', content: '# About\n\nWe are a shop.' },
          // No text in it: the item fails, the job goes on.
          { externalId: 'blank', content: '<p> </p>', format: 'html' },
        ],
      }),
    });
    expect(res.status).toBe(202);
    await vi.waitFor(
      async () => {
        const now = await scrape(metricsUrl);
        expect(now.value('prex_ingestion_items_total', { outcome: 'ready' }) - before.value('prex_ingestion_items_total', { outcome: 'ready' })).toBe(1);
        expect(now.value('prex_ingestion_items_total', { outcome: 'failed' }) - before.value('prex_ingestion_items_total', { outcome: 'failed' })).toBe(1);
        expect(now.value('prex_ingestion_jobs_total', { origin: 'api' }) - before.value('prex_ingestion_jobs_total', { origin: 'api' })).toBe(1);
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it('counts rate-limit refusals, and routes no route matched under one label', async () => {
    const limited = await startChatTestServer({ PREX_RATE_LIMIT_PER_MINUTE: '1', PREX_METRICS_PORT: '0' });
    try {
      const url = limited.server.metricsUrl!;
      await newVisitor(limited);
      await expect(newVisitor(limited)).rejects.toThrow(/429/);
      await fetch(`${limited.url}/no/such/page/0123456789abcdef`);
      await vi.waitFor(async () => expect((await scrape(url)).value('prex_rate_limited_total')).toBe(1));
      const now = await scrape(url);
      expect(now.value('prex_http_requests_total', { route: ROUTES.sessions, status: '429' })).toBe(1);
      expect(now.value('prex_http_requests_total', { route: '(unmatched)', status: '404' })).toBe(1);
      expect(now.text).not.toContain('0123456789abcdef');
    } finally {
      await limited.close();
    }
  });
});

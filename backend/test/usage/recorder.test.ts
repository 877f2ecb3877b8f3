import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createTenant } from '../../src/tenants/repository.js';
import { costOf, createUsageRecorder, priceOf, type LlmCallRecord } from '../../src/usage/index.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';

describe('priceOf', () => {
  it.each([
    ['gpt-4o-mini', { input: 0.15, output: 0.6 }],
    ['GPT-4o-Mini', { input: 0.15, output: 0.6 }],
    ['openai/gpt-4o-mini', { input: 0.15, output: 0.6 }],
    ['gpt-4o-mini-2024-07-18', { input: 0.15, output: 0.6 }],
    ['openai/gpt-4o-2024-08-06', { input: 2.5, output: 10 }],
    ['gpt-3.5-turbo-0125', { input: 0.5, output: 1.5 }],
    ['anthropic/claude-3-5-haiku-20241022', { input: 0.8, output: 4 }],
  ])('prices %s from the built-in table', (model, price) => {
    expect(priceOf(model)).toEqual(price);
  });

  it('returns null for a model nobody priced', () => {
    expect(priceOf('llama3.1:8b')).toBeNull();
    expect(priceOf('my-fine-tune')).toBeNull();
  });

  it('lets the configured prices override and extend the built-in table', () => {
    const overrides = { 'gpt-4o-mini': { input: 1, output: 2 }, 'llama3.1:8b': { input: 0, output: 0 } };
    expect(priceOf('openai/gpt-4o-mini-2024-07-18', overrides)).toEqual({ input: 1, output: 2 });
    expect(priceOf('llama3.1:8b', overrides)).toEqual({ input: 0, output: 0 });
    expect(priceOf('gpt-4o', overrides)).toEqual({ input: 2.5, output: 10 });
  });

  it('prefers an exact dated entry over its base', () => {
    const overrides = { 'gpt-4o-2024-05-13': { input: 5, output: 15 } };
    expect(priceOf('gpt-4o-2024-05-13', overrides)).toEqual({ input: 5, output: 15 });
    expect(priceOf('gpt-4o-2024-08-06', overrides)).toEqual({ input: 2.5, output: 10 });
  });
});

describe('costOf', () => {
  it('is tokens × USD per million, to 8 decimal places', () => {
    expect(costOf({ input: 0.15, output: 0.6 }, 1000, 500)).toBe('0.00045000');
    expect(costOf({ input: 2.5, output: 10 }, 1_000_000, 1_000_000)).toBe('12.50000000');
    expect(costOf({ input: 0.15, output: 0.6 }, 1, 0)).toBe('0.00000015');
  });

  it('is unknown without a price or without any token count; one missing side counts as zero', () => {
    expect(costOf(null, 1000, 500)).toBeNull();
    expect(costOf({ input: 1, output: 2 }, null, null)).toBeNull();
    expect(costOf({ input: 1, output: 2 }, null, 1_000_000)).toBe('2.00000000');
  });
});

/** A logger that keeps its lines so a test can see what was said. */
function capturingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error'), prompt: () => undefined };
}

interface CallRow {
  tenant_id: string;
  agent_id: string | null;
  session_id: string | null;
  purpose: string;
  model: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  outcome: string;
  error: string | null;
}

describe.each<Engine>(['pglite', 'postgres'])('usage recorder on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let tenantId: string;

  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    tenantId = (await createTenant(db, { name: 'Usage', allowedOrigins: [] })).tenant.id;
  });
  afterAll(() => close());

  const call = (over: Partial<LlmCallRecord> = {}): LlmCallRecord => ({
    tenantId,
    agentId: 'agt_support',
    sessionId: 'ses_1',
    messageId: 'msg_1',
    purpose: 'answer',
    model: 'gpt-4o-mini',
    promptTokens: 1200,
    completionTokens: 300,
    latencyMs: 850,
    ttftMs: 240,
    outcome: 'ok',
    ...over,
  });
  const rowsOf = (model: string) => db.query<CallRow>('select * from llm_calls where tenant_id = $1 and model = $2 order by created_at', [tenantId, model]);

  it('stores the call with its cost from the price table', async () => {
    const recorder = createUsageRecorder(db, { modelPrices: {} }, silentLog);
    await recorder.record(call());
    const [row] = await rowsOf('gpt-4o-mini');
    expect(row).toMatchObject({
      tenant_id: tenantId,
      agent_id: 'agt_support',
      session_id: 'ses_1',
      purpose: 'answer',
      prompt_tokens: 1200,
      completion_tokens: 300,
      latency_ms: 850,
      ttft_ms: 240,
      outcome: 'ok',
      error: null,
    });
    // 1200 × 0.15 / 1e6 + 300 × 0.6 / 1e6, exact in the numeric column
    expect(row!.cost_usd).toBe('0.00036000');
  });

  it('uses the configured price and keeps failed calls with their error and no tokens', async () => {
    const recorder = createUsageRecorder(db, { modelPrices: { 'local-llm': { input: 2, output: 4 } } }, silentLog);
    await recorder.record(call({ model: 'local-llm', promptTokens: 500_000, completionTokens: 250_000 }));
    await recorder.record(call({ model: 'local-llm', promptTokens: null, completionTokens: null, ttftMs: null, outcome: 'error', error: '500 upstream down' }));
    const rows = await rowsOf('local-llm');
    expect(rows.map((r) => [r.cost_usd, r.outcome, r.error])).toEqual([
      ['2.00000000', 'ok', null],
      [null, 'error', '500 upstream down'],
    ]);
  });

  it('records an unpriced model without a cost and warns once', async () => {
    const log = capturingLog();
    const recorder = createUsageRecorder(db, { modelPrices: {} }, log);
    await recorder.record(call({ model: 'mystery-model' }));
    await recorder.record(call({ model: 'mystery-model' }));
    expect((await rowsOf('mystery-model')).map((r) => r.cost_usd)).toEqual([null, null]);
    expect(log.lines.filter((l) => l.startsWith('warn') && l.includes('mystery-model'))).toHaveLength(1);
  });

  it('never throws: a row the database refuses is logged, not passed on', async () => {
    const log = capturingLog();
    const recorder = createUsageRecorder(db, { modelPrices: {} }, log);
    await expect(recorder.record(call({ tenantId: 'ten_missing', model: 'orphan' }))).resolves.toBeUndefined();
    await expect(recorder.record(call({ outcome: 'exploded' as never, model: 'orphan' }))).resolves.toBeUndefined();
    expect(log.lines.filter((l) => l.startsWith('error') && l.includes('could not record'))).toHaveLength(2);
    expect(await rowsOf('orphan')).toEqual([]);
  });

  it('drops nonsense token counts and timings instead of the row', async () => {
    const recorder = createUsageRecorder(db, { modelPrices: {} }, silentLog);
    await recorder.record(call({ model: 'gpt-4o', promptTokens: -5, completionTokens: Number.NaN, latencyMs: 12.7, ttftMs: -1 }));
    const [row] = await rowsOf('gpt-4o');
    expect(row).toMatchObject({ prompt_tokens: null, completion_tokens: null, cost_usd: null, latency_ms: 13, ttft_ms: 0 });
  });
});

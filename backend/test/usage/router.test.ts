import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema, labelAnalyticsResponseSchema, usageResponseSchema, type MessageLabel, type UsageRow } from '@prex/protocol';
import { insertUserMessage } from '../../src/conversations/messages.js';
import type { Db } from '../../src/db/db.js';
import { createSession } from '../../src/conversations/sessions.js';
import { createUsageRecorder, type LlmCallRecord } from '../../src/usage/index.js';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe.each<Engine>(['pglite', 'postgres'])('usage and analytics admin routes on %s', (engine) => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let app: TestApp;
  let other: TestTenant;
  let tag = 0;

  /** Records a call through the real recorder, then moves it to `at` (an ISO instant). */
  async function recordAt(at: string, call: Partial<LlmCallRecord> & { tenantId: string }) {
    const marker = `msg_fixture_${tag++}`;
    const recorder = createUsageRecorder(db, app.config, silentLog);
    await recorder.record({
      agentId: null, sessionId: null, purpose: 'answer', model: 'gpt-4o-mini', promptTokens: 1000, completionTokens: 100,
      latencyMs: 1000, ttftMs: 300, outcome: 'ok', ...call, messageId: marker,
    });
    await db.query('update llm_calls set created_at = $2::timestamptz where message_id = $1', [marker, at]);
  }

  /** Stores a labelled user message created at `at`. */
  async function labelledMessageAt(tenantId: string, at: string, label: MessageLabel, source: 'model' | 'rules' = 'rules') {
    const session = await createSession(db, tenantId);
    const message = await insertUserMessage(db, { tenantId, sessionId: session.id, text: `a ${label}` });
    // As an answer's finish writes the question's label (conversations/messages.ts).
    await db.query('update messages set label = $2, label_source = $3, created_at = $4::timestamptz where id = $1', [message.id, label, source, at]);
  }

  beforeAll(async () => {
    ({ db, close: closeDb } = await openEngine(engine));
    app = await startTestApp({ db, env: { PREX_MODEL_PRICES: '{"house-model": {"input": 1, "output": 2}}' } });
    other = await makeTenant(db, 'Other');
    const t = app.tenant.id;
    await db.query(`insert into agents (id, tenant_id, name, is_default) values ('agt_support', $1, 'support', true), ('agt_sales', $1, 'sales', false)`, [t]);

    // Our tenant: three days of calls on two models, through two agents, one deleted agent.
    await recordAt(`${daysAgo(2)}T10:00:00Z`, { tenantId: t, agentId: 'agt_support', latencyMs: 800, ttftMs: 200 });
    await recordAt(`${daysAgo(2)}T23:59:59Z`, { tenantId: t, agentId: 'agt_support', latencyMs: 1200, ttftMs: 400 });
    await recordAt(`${daysAgo(1)}T00:00:00Z`, { tenantId: t, agentId: 'agt_sales', model: 'house-model', promptTokens: 500_000, completionTokens: 250_000 });
    await recordAt(`${daysAgo(1)}T08:00:00Z`, { tenantId: t, agentId: 'agt_gone', model: 'house-model', promptTokens: null, completionTokens: null, ttftMs: null, outcome: 'error', error: '503' });
    await recordAt(`${today}T00:00:01Z`, { tenantId: t, agentId: null, purpose: 'classify', model: 'unpriced-model', ttftMs: null });
    await recordAt(`${daysAgo(40)}T12:00:00Z`, { tenantId: t, agentId: 'agt_support' });
    // The other tenant's calls must never show up in ours.
    await recordAt(`${daysAgo(1)}T12:00:00Z`, { tenantId: other.tenant.id, model: 'gpt-4o', promptTokens: 9_000_000 });

    await labelledMessageAt(t, `${daysAgo(1)}T09:00:00Z`, 'question', 'model');
    await labelledMessageAt(t, `${daysAgo(1)}T10:00:00Z`, 'question');
    await labelledMessageAt(t, `${daysAgo(1)}T11:00:00Z`, 'complaint');
    await labelledMessageAt(t, `${today}T01:00:00Z`, 'human_request');
    await labelledMessageAt(t, `${daysAgo(50)}T01:00:00Z`, 'abuse');
    await labelledMessageAt(other.tenant.id, `${daysAgo(1)}T09:00:00Z`, 'abuse');
  });
  afterAll(async () => {
    await app?.close();
    await closeDb?.();
  });

  const get = (path: string, secret: string = app.secretKey) => fetch(`${app.url}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
  const usage = async (query: string, secret?: string) => {
    const res = await get(`/v1/admin/usage${query}`, secret);
    expect(res.status).toBe(200);
    return usageResponseSchema.parse(await readJson(res));
  };
  const rowByKey = (rows: UsageRow[], key: string) => rows.find((r) => r.key === key);

  it('needs the secret key', async () => {
    expect((await fetch(`${app.url}/v1/admin/usage`)).status).toBe(401);
    expect((await get('/v1/admin/usage', app.publishableKey)).status).toBe(401);
    expect((await get('/v1/admin/analytics/labels', 'sk_wrong')).status).toBe(401);
  });

  it('defaults to the last 30 days by day, every day listed, totals and costs summed', async () => {
    const report = await usage('');
    expect(report).toMatchObject({ from: daysAgo(29), to: today, groupBy: 'day', currency: 'USD' });
    expect(report.rows.map((r) => r.key)).toEqual(Array.from({ length: 30 }, (_, i) => daysAgo(29 - i)));
    expect(report.totals).toMatchObject({
      calls: 5,
      promptTokens: 1000 + 1000 + 500_000 + 1000,
      completionTokens: 100 + 100 + 250_000 + 100,
      // 2 × (1000 × 0.15 + 100 × 0.6) / 1e6 + (500k × 1 + 250k × 2) / 1e6
      costUsd: 1.00042,
      unpricedCalls: 2,
      errors: 1,
      aborted: 0,
    });
    expect(rowByKey(report.rows, daysAgo(2))).toMatchObject({ calls: 2, costUsd: 0.00042, avgLatencyMs: 1000, avgTtftMs: 300, p50TtftMs: 300 });
    expect(rowByKey(report.rows, daysAgo(1))).toMatchObject({ calls: 2, errors: 1, costUsd: 1 });
    expect(rowByKey(report.rows, today)).toMatchObject({ calls: 1, unpricedCalls: 1, avgTtftMs: null });
    expect(rowByKey(report.rows, daysAgo(5))).toMatchObject({ calls: 0, costUsd: 0, avgLatencyMs: null });
  });

  it('groups by model, most expensive first', async () => {
    const report = await usage(`?groupBy=model&from=${daysAgo(2)}&to=${today}`);
    expect(report.rows.map((r) => [r.key, r.calls])).toEqual([
      ['house-model', 2],
      ['gpt-4o-mini', 2],
      ['unpriced-model', 1],
    ]);
  });

  it('groups by agent by name; a deleted agent shows its id, calls without one are "(no agent)"', async () => {
    const report = await usage(`?groupBy=agent&from=${daysAgo(2)}&to=${today}`);
    expect(report.rows.map((r) => [r.key, r.agentId, r.calls])).toEqual([
      ['sales', 'agt_sales', 1],
      ['support', 'agt_support', 2],
      ['(no agent)', null, 1],
      ['agt_gone', 'agt_gone', 1],
    ]);
  });

  it('groups by purpose', async () => {
    const report = await usage(`?groupBy=purpose&from=${daysAgo(2)}&to=${today}`);
    expect(report.rows.map((r) => [r.key, r.calls])).toEqual([
      ['answer', 4],
      ['classify', 1],
    ]);
  });

  it('covers whole UTC days, both ends included', async () => {
    const report = await usage(`?from=${daysAgo(2)}&to=${daysAgo(2)}`);
    expect(report.rows).toHaveLength(1);
    expect(report.totals.calls).toBe(2);
    const older = await usage(`?from=${daysAgo(45)}&to=${daysAgo(35)}&groupBy=model`);
    expect(older.rows.map((r) => [r.key, r.calls])).toEqual([['gpt-4o-mini', 1]]);
  });

  it('shows each tenant only its own calls', async () => {
    const theirs = await usage('?groupBy=model', other.secretKey);
    expect(theirs.rows.map((r) => [r.key, r.calls, r.promptTokens])).toEqual([['gpt-4o', 1, 9_000_000]]);
    const ours = await usage('?groupBy=model');
    expect(ours.rows.map((r) => r.key)).not.toContain('gpt-4o');
  });

  it.each([
    ['?from=2026-13-01', 'from: must be a date written YYYY-MM-DD'],
    ['?from=2026-02-30', 'from: must be a date written YYYY-MM-DD'],
    ['?to=yesterday', 'to: must be a date written YYYY-MM-DD'],
    ['?groupBy=week', 'groupBy: groupBy must be one of day, agent, model, purpose'],
    ['?from=2026-03-02&to=2026-03-01', 'to: to (2026-03-01) is before from (2026-03-02)'],
    ['?from=2025-01-01&to=2026-01-02', 'to: the range is longer than 366 days'],
    ['?grupBy=day', 'Unrecognized key'],
    ['?from=2026-01-01&from=2026-01-02', 'from:'],
  ])('refuses %s with a 400 saying what is wrong', async (query, message) => {
    const res = await get(`/v1/admin/usage${query}`);
    expect(res.status).toBe(400);
    const body = errorBodySchema.parse(await readJson(res));
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain(message);
  });

  it('accepts a range of exactly 366 days', async () => {
    const report = await usage('?from=2024-01-01&to=2024-12-31');
    expect(report.rows).toHaveLength(366);
  });

  it('counts labels per label, per source and per day, for the tenant only', async () => {
    const res = await get(`/v1/admin/analytics/labels?from=${daysAgo(1)}&to=${today}`);
    expect(res.status).toBe(200);
    const body = labelAnalyticsResponseSchema.parse(await readJson(res));
    expect(body.totals).toEqual({ question: 2, complaint: 1, human_request: 1, small_talk: 0, abuse: 0, other: 0 });
    expect(body.bySource).toEqual({ model: 1, rules: 3 });
    expect(body.days.map((d) => d.day)).toEqual([daysAgo(1), today]);
    expect(body.days[0]!.counts).toMatchObject({ question: 2, complaint: 1, human_request: 0 });
    expect(body.days[1]!.counts).toMatchObject({ question: 0, human_request: 1 });

    const theirs = labelAnalyticsResponseSchema.parse(await readJson(await get('/v1/admin/analytics/labels', other.secretKey)));
    expect(theirs.totals).toMatchObject({ abuse: 1, question: 0 });
  });

  it('labels analytics defaults to 30 days and refuses bad ranges', async () => {
    const body = labelAnalyticsResponseSchema.parse(await readJson(await get('/v1/admin/analytics/labels')));
    expect(body.days).toHaveLength(30);
    expect(body.totals.abuse).toBe(0);
    const bad = await get('/v1/admin/analytics/labels?from=2026-05-01&to=2026-04-01&groupBy=day');
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(await readJson(bad)).error.message).toContain('groupBy');
  });
});

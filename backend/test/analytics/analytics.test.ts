import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_ROUTES, analyticsResponseSchema, errorBodySchema, ROUTES, STAFF_ROUTES, type AnalyticsResponse } from '@prex/protocol';
import { readJson, makeTenant } from '../helpers/app.js';
import { messageIdOf, newVisitor, readSse, send, startChatTestServer, type ChatTestServer, type Visitor } from '../helpers/chat.js';
import { fillPath } from '../helpers/routes.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Analytics against a real server on PGlite: conversations made through the
 * widget's public API (answers, declines, ratings, handoffs, a staff reply) are counted by outcome
 * and day, and nothing of another tenant ever shows.
 */

let t: ChatTestServer;
let owner: StaffBrowser;
let agent: StaffBrowser;
let otherOwner: StaffBrowser;
const today = new Date().toISOString().slice(0, 10);

/** The visitor asks and reads the answer to its end; returns the answer's message id. */
async function ask(visitor: Visitor, text: string): Promise<string> {
  const read = await readSse(await send(visitor, { text }));
  if (!read.done) throw new Error('the answer stream ended without [DONE]');
  return messageIdOf(read);
}

async function rate(visitor: Visitor, messageId: string, rating: 'up' | 'down', comment?: string): Promise<void> {
  const res = await fetch(`${visitor.url}/v1/chat/${encodeURIComponent(messageId)}/feedback`, {
    method: 'POST',
    headers: { ...visitor.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ rating, ...(comment ? { comment } : {}) }),
  });
  if (res.status !== 200) throw new Error(`feedback → ${res.status} ${await res.text()}`);
}

async function askForPerson(visitor: Visitor): Promise<void> {
  const res = await fetch(`${visitor.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Please help' }) });
  if (res.status !== 201) throw new Error(`handoff → ${res.status} ${await res.text()}`);
}

async function analytics(staff: StaffBrowser, query = ''): Promise<AnalyticsResponse> {
  const res = await staff.call('GET', `${ANALYTICS_ROUTES.analytics}${query}`);
  if (res.status !== 200) throw new Error(`GET analytics${query} → ${res.status} ${await res.text()}`);
  return analyticsResponseSchema.parse(await readJson(res));
}

const recordCall = (tenantId: string, id: string, costUsd: number) =>
  t.server.db.query(
    `insert into llm_calls (id, tenant_id, purpose, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, outcome)
     values ($1, $2, 'answer', 'test-model', 100, 20, $3, 50, 'ok')`,
    [id, tenantId, costUsd],
  );

beforeAll(async () => {
  t = await startChatTestServer();
  const db = t.server.db;
  owner = await signedInStaff(t.url, db, t.tenantId, 'owner@analytics.example', 'owner');
  agent = await signedInStaff(t.url, db, t.tenantId, 'agent@analytics.example', 'agent');

  // Answered from the knowledge base and liked: resolved by the bot.
  const pleased = await newVisitor(t);
  await rate(pleased, await ask(pleased, 'How long does shipping take?'), 'up', 'Quick and clear');
  // Declined twice, in two wordings of one question: unanswered, one content gap asked twice.
  const puzzled = await newVisitor(t);
  await rate(puzzled, await ask(puzzled, 'What is the capital of France?'), 'down', 'Not helpful');
  const again = await newVisitor(t);
  await ask(again, '  what is the   capital of france ');
  // Answered, then a person asked for and replied to: handed over.
  const handed = await newVisitor(t);
  await ask(handed, 'How do I get a refund?');
  await askForPerson(handed);
  const reply = await owner.call('POST', fillPath(STAFF_ROUTES.conversationReplies, () => handed.sessionId), { text: 'Hello, I can help with that.' });
  expect(reply.status).toBe(201);
  // Declined, then handed over and not replied to yet: handed over wins over the decline.
  const waiting = await newVisitor(t);
  await ask(waiting, 'Who won the football match yesterday?');
  await askForPerson(waiting);
  await recordCall(t.tenantId, 'llm_analytics_a', 0.25);

  // Another tenant on the same server, with a conversation and spend of its own.
  const other = await makeTenant(db, 'Other shop');
  otherOwner = await signedInStaff(t.url, db, other.tenant.id, 'owner@other.example', 'owner');
  const stranger = await newVisitor({ url: t.url, publishableKey: other.tenant.publishableKey });
  await rate(stranger, await ask(stranger, 'Where is the secret garden of tenant B?'), 'down', 'Tenant B comment');
  await recordCall(other.tenant.id, 'llm_analytics_b', 9);
});

afterAll(() => t?.close());

describe('GET /v1/staff/analytics', () => {
  it('counts the conversations of the last 30 days by outcome, dated by their first message', async () => {
    const report = await analytics(owner);
    expect(report.to).toBe(today);
    expect(report.days).toHaveLength(30);
    expect(report.days.at(-1)).toEqual({ day: today, conversations: 5, aiResolved: 1, handedOver: 2, unanswered: 2 });
    expect(report.days.slice(0, -1).every((d) => d.conversations === 0)).toBe(true);
    expect(report.totals).toEqual({ conversations: 5, aiResolved: 1, handedOver: 2, unanswered: 2 });
  });

  it('reports the first staff reply of handed-over conversations, and those still waiting', async () => {
    const { firstStaffReply } = await analytics(agent);
    expect(firstStaffReply).toEqual({ medianSeconds: expect.any(Number), replied: 1, waiting: 1 });
    expect(firstStaffReply.medianSeconds).toBeGreaterThanOrEqual(0);
  });

  it('counts thumbs and lists the comments, newest first', async () => {
    const { ratings } = await analytics(agent);
    expect(ratings.up).toBe(1);
    expect(ratings.down).toBe(1);
    expect(ratings.recentComments.map((c) => [c.rating, c.comment])).toEqual([
      ['down', 'Not helpful'],
      ['up', 'Quick and clear'],
    ]);
  });

  it('lists the declined questions grouped by their normalised text, most asked first', async () => {
    const { contentGaps } = await analytics(agent);
    expect(contentGaps.map((g) => [g.question, g.count])).toEqual([
      ['what is the   capital of france', 2],
      ['Who won the football match yesterday?', 1],
    ]);
  });

  it("counts the classifier's labels of every visitor message", async () => {
    const { labels } = await analytics(agent);
    expect(labels.labels).toContain('question');
    expect(Object.values(labels.totals).reduce((sum, n) => sum + n, 0)).toBe(5);
  });

  it('reports model calls and cost per day to owners and admins, and no spend to agents', async () => {
    const { usage } = await analytics(owner);
    expect(usage?.totals).toMatchObject({ calls: 1, costUsd: 0.25, promptTokens: 100, completionTokens: 20 });
    expect(usage?.days.at(-1)).toEqual({ day: today, calls: 1, promptTokens: 100, completionTokens: 20, costUsd: 0.25 });
    expect(usage?.days).toHaveLength(30);
    // The call belongs to no agent: it is counted under '(no agent)', and under its model.
    expect(usage?.agents).toEqual([{ key: '(no agent)', calls: 1, promptTokens: 100, completionTokens: 20, costUsd: 0.25 }]);
    expect(usage?.models).toEqual([{ key: 'test-model', calls: 1, promptTokens: 100, completionTokens: 20, costUsd: 0.25 }]);
    expect((await analytics(agent)).usage).toBeNull();
  });

  it('covers the range asked for, up to 366 days', async () => {
    const report = await analytics(owner, '?from=2026-01-01&to=2026-01-07');
    expect(report.days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07']);
    expect(report.totals.conversations).toBe(0);
    expect((await analytics(owner, '?from=2025-01-01&to=2026-01-01')).days).toHaveLength(366);
  });
});

describe('a request the analytics cannot answer', () => {
  it.each([
    ['?from=2026-02-30', /from/],
    ['?from=2026-03-10&to=2026-03-01', /before from/],
    ['?from=2024-01-01&to=2026-01-01', /longer than 366 days/],
    ['?form=2026-01-01', /form/],
    ['?to=yesterday', /YYYY-MM-DD/],
  ])('%s is a 400 naming what is wrong', async (query, message) => {
    const res = await owner.call('GET', `${ANALYTICS_ROUTES.analytics}${query}`);
    expect(res.status).toBe(400);
    const body = errorBodySchema.parse(await readJson(res));
    expect(JSON.stringify(body.error)).toMatch(message);
  });

  it('is a 401 without a staff session', async () => {
    expect((await fetch(`${t.url}${ANALYTICS_ROUTES.analytics}`)).status).toBe(401);
  });
});

describe('tenant isolation', () => {
  it("never shows another tenant's conversations, ratings, questions or spend", async () => {
    const mine = await analytics(owner);
    const text = JSON.stringify(mine);
    expect(text).not.toContain('secret garden');
    expect(text).not.toContain('Tenant B comment');
    expect(mine.usage?.totals.costUsd).toBe(0.25);

    const theirs = await analytics(otherOwner);
    expect(theirs.totals).toEqual({ conversations: 1, aiResolved: 0, handedOver: 0, unanswered: 1 });
    expect(theirs.ratings).toMatchObject({ up: 0, down: 1, recentComments: [expect.objectContaining({ comment: 'Tenant B comment' })] });
    expect(theirs.contentGaps).toEqual([expect.objectContaining({ question: 'Where is the secret garden of tenant B?', count: 1 })]);
    expect(theirs.usage?.totals).toMatchObject({ calls: 1, costUsd: 9 });
    expect(JSON.stringify(theirs)).not.toMatch(/capital of France|Quick and clear/i);
  });
});

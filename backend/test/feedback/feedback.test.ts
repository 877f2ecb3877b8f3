import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSummariesResponseSchema, errorBodySchema, feedbackResponseSchema, historyResponseSchema, PUBLISHABLE_KEY_HEADER } from '@prex/protocol';
import { addTenant, lastAssistant, history, messageIdOf, newVisitor, ORIGIN, readSse, send, startChatTestServer, type ChatTestServer, type Visitor } from '../helpers/chat.js';

let t: ChatTestServer;
let visitor: Visitor;
let answerId: string;
let userId: string;

beforeAll(async () => {
  t = await startChatTestServer();
  visitor = await newVisitor(t);
  answerId = messageIdOf(await readSse(await send(visitor, { text: 'How do I get a refund?' })));
  userId = (await history(visitor)).messages.find((m) => m.role === 'user')!.id;
});
afterAll(() => t?.close());

const feedback = (v: Visitor, id: string, body: unknown) =>
  fetch(`${v.url}/v1/chat/${encodeURIComponent(id)}/feedback`, {
    method: 'POST',
    headers: { ...v.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const summaries = (key: string, tokens: unknown) =>
  fetch(`${t.url}/v1/conversations/summaries`, {
    method: 'POST',
    headers: { [PUBLISHABLE_KEY_HEADER]: key, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ tokens }),
  });

const tokenOf = (v: Visitor) => v.headers.authorization!.slice('Bearer '.length);

describe('POST /v1/chat/:messageId/feedback', () => {
  it('stores thumbs with the answer and replaces them when sent again (idempotent)', async () => {
    const first = await feedback(visitor, answerId, { rating: 'down', comment: '  Too vague  ' });
    expect(first.status).toBe(200);
    expect(feedbackResponseSchema.parse(await first.json())).toMatchObject({ messageId: answerId, rating: 'down', comment: 'Too vague' });
    const again = await feedback(visitor, answerId, { rating: 'up' });
    expect(feedbackResponseSchema.parse(await again.json())).toMatchObject({ rating: 'up', comment: null });
    const rows = await t.server.db.query<{ feedback_rating: string; feedback_comment: string | null }>(
      'select feedback_rating, feedback_comment from messages where id = $1',
      [answerId],
    );
    expect(rows).toEqual([{ feedback_rating: 'up', feedback_comment: null }]);
    // After a reload the widget finds the rating in history.
    const answer = lastAssistant(historyResponseSchema.parse(await history(visitor)));
    expect(answer).toMatchObject({ id: answerId, author: 'bot', feedback: { rating: 'up', comment: null } });
  });

  it('rejects bad input with 400', async () => {
    for (const body of [{}, { rating: 'meh' }, { rating: 'up', comment: 'x'.repeat(1001) }, { rating: 'up', extra: 1 }, { rating: 'up', comment: 5 }]) {
      const res = await feedback(visitor, answerId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('invalid_request');
    }
    expect((await feedback(visitor, 'not an id', { rating: 'up' })).status).toBe(400);
  });

  it('is scoped to the session and the tenant: other answers are 404, questions too', async () => {
    expect((await feedback(visitor, userId, { rating: 'up' })).status).toBe(404);
    expect((await feedback(visitor, 'msg_doesnotexist', { rating: 'up' })).status).toBe(404);
    const stranger = await newVisitor(t);
    expect((await feedback(stranger, answerId, { rating: 'down' })).status).toBe(404);
    const other = await addTenant(t);
    const otherVisitor = await newVisitor({ url: t.url, publishableKey: other.publishableKey });
    expect((await feedback(otherVisitor, answerId, { rating: 'down' })).status).toBe(404);
    // a token of one tenant with another tenant's key
    const mixed = { ...visitor, headers: { ...visitor.headers, [PUBLISHABLE_KEY_HEADER]: other.publishableKey } };
    expect((await feedback(mixed, answerId, { rating: 'down' })).status).toBe(401);
    const noToken = { ...visitor, headers: { [PUBLISHABLE_KEY_HEADER]: t.publishableKey, origin: ORIGIN } };
    expect((await feedback(noToken, answerId, { rating: 'down' })).status).toBe(401);
  });
});

describe('POST /v1/conversations/summaries', () => {
  it('summarises the presented conversations of this tenant, newest first, skipping bad tokens', async () => {
    const empty = await newVisitor(t);
    const other = await addTenant(t);
    const foreign = await newVisitor({ url: t.url, publishableKey: other.publishableKey });
    const tokens = [tokenOf(empty), 'garbage', tokenOf(visitor), tokenOf(foreign), tokenOf(visitor).slice(0, -2) + 'xx'];
    const res = await summaries(t.publishableKey, tokens);
    expect(res.status).toBe(200);
    const body = conversationSummariesResponseSchema.parse(await res.json());
    expect(body.conversations.map((c) => c.index).sort()).toEqual([0, 2]);
    const main = body.conversations.find((c) => c.index === 2)!;
    expect(main).toMatchObject({ sessionId: visitor.sessionId, title: 'How do I get a refund?', messageCount: 2 });
    expect(body.conversations.find((c) => c.index === 0)).toMatchObject({ title: null, messageCount: 0 });
  });

  it('rejects bad input with 400 and needs the publishable key', async () => {
    expect((await summaries(t.publishableKey, 'nope')).status).toBe(400);
    expect((await summaries(t.publishableKey, Array.from({ length: 51 }, () => 'x'))).status).toBe(400);
    expect((await summaries('pk_unknownkey123', [])).status).toBe(401);
    const ok = await summaries(t.publishableKey, []);
    expect(await ok.json()).toEqual({ conversations: [] });
  });
});

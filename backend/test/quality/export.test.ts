import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTuningLineSchema, markGoodPath, QUALITY_ROUTES, type FineTuningLine } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { newId } from '../../src/ids.js';
import { EXPORT_PAGE_SESSIONS } from '../../src/quality/export-stream.js';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { openEngine, openMemoryDb, type Engine } from '../helpers/db.js';
import { KB_DOCUMENTS, messageIdOf, newVisitor, readSse, send, textOf } from '../helpers/chat.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';

/**
 * The fine-tuning export and "mark as good" over the real HTTP server, on both engines.
 * Conversations are written as rows (the chat pipeline's own tests cover how they get there);
 * ratings go through the visitor's real feedback route.
 */

interface Turn {
  role: 'user' | 'assistant';
  text: string;
  status?: 'complete' | 'stopped' | 'error' | 'streaming';
  author?: 'bot' | 'human';
  agentId?: string;
}

async function insertMessages(db: Db, tenantId: string, sessionId: string, turns: Turn[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of turns) {
    const id = newId('msg');
    await db.query(
      `insert into messages (id, tenant_id, session_id, role, text, status, author, agent_id, finished_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, case when $6 = 'streaming' then null else clock_timestamp() end)`,
      [id, tenantId, sessionId, t.role, t.text, t.status ?? 'complete', t.author ?? 'bot', t.agentId ?? null],
    );
    ids.push(id);
  }
  return ids;
}

/** A visitor session over HTTP (so it can rate answers) holding these turns. */
async function conversation(app: TestApp, turns: Turn[], key = app.publishableKey, tenantId = app.tenant.id) {
  const res = await app.request('/v1/sessions', { method: 'POST', key });
  const { sessionId, token } = await readJson<{ sessionId: string; token: string }>(res);
  const ids = await insertMessages(app.db, tenantId, sessionId, turns);
  return {
    sessionId,
    ids,
    async rate(messageId: string, rating: 'up' | 'down') {
      const r = await app.request(`/v1/chat/${messageId}/feedback`, {
        method: 'POST',
        key,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rating }),
      });
      expect(r.status).toBe(200);
    },
  };
}

function admin(app: TestApp, path: string, init: RequestInit & { secret?: string } = {}) {
  const { secret, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('authorization', `Bearer ${secret ?? app.secretKey}`);
  return app.request(path, { ...rest, headers });
}

async function exportLines(app: TestApp, query = '', secret?: string): Promise<FineTuningLine[]> {
  const res = await admin(app, `${QUALITY_ROUTES.fineTuningExport}${query}`, secret ? { secret } : {});
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  const body = await res.text();
  if (body === '') return [];
  expect(body.endsWith('\n')).toBe(true);
  return body
    .trimEnd()
    .split('\n')
    .map((line) => fineTuningLineSchema.parse(JSON.parse(line)));
}

const markGood = (app: TestApp, messageId: string, body: unknown, secret?: string) =>
  admin(app, markGoodPath(messageId), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(secret ? { secret } : {}) });

const contents = (line: FineTuningLine) => line.messages.map((m) => `${m.role}${m.weight === undefined ? '' : `:${m.weight}`}: ${m.content}`);

describe.each<Engine>(['pglite', 'postgres'])('fine-tuning export on %s', (engine) => {
  let app: TestApp;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openEngine(engine);
    close = opened.close;
    app = await startTestApp({ db: opened.db });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await close?.();
  });

  it('exports rated-up and staff-marked conversations only, up to the good answer, weighted, without failed turns', async () => {
    const agentId = newId('agt');
    await app.db.query(
      `insert into agents (id, tenant_id, name, is_default, persona, instructions) values ($1, $2, 'support', true, 'You are Sunny, the cheerful Acme helper.', 'Never promise refunds.')`,
      [agentId, app.tenant.id],
    );
    const rated = await conversation(app, [
      { role: 'user', text: 'Hi, where is my parcel?' },
      { role: 'assistant', text: 'Something went wrong.', status: 'error', agentId },
      { role: 'user', text: 'Where is my parcel, order 100234?' },
      { role: 'assistant', text: 'Parcels ship within 2 days [1].', agentId },
      { role: 'user', text: 'And returns?' },
      { role: 'assistant', text: 'Returns are free within 30 days.', agentId },
      { role: 'user', text: 'Cool, bye' },
      { role: 'assistant', text: 'Bye!', agentId },
    ]);
    await rated.rate(rated.ids[5]!, 'up');
    await rated.rate(rated.ids[7]!, 'down');

    const staff = await conversation(app, [
      { role: 'user', text: 'I want a human' },
      { role: 'assistant', text: 'I am handing you over to the team.' },
      { role: 'assistant', text: 'Hello, Sam from the team here: your refund is on its way.', author: 'human' },
    ]);
    expect((await markGood(app, staff.ids[2]!, { good: true })).status).toBe(200);

    const unrated = await conversation(app, [
      { role: 'user', text: 'Do you sell gift cards?' },
      { role: 'assistant', text: 'Yes, from $10.' },
    ]);
    const disliked = await conversation(app, [
      { role: 'user', text: 'Is it waterproof?' },
      { role: 'assistant', text: 'Maybe.' },
    ]);
    await disliked.rate(disliked.ids[1]!, 'down');
    const stopped = await conversation(app, [
      { role: 'user', text: 'Tell me everything' },
      { role: 'assistant', text: 'Well, first', status: 'stopped' },
    ]);
    await stopped.rate(stopped.ids[1]!, 'up');

    const lines = await exportLines(app);
    expect(lines).toHaveLength(2);
    const bySystem = new Map(lines.map((l) => [l.messages[1]!.content, l]));
    expect(contents(bySystem.get('Where is my parcel, order 100234?')!)).toEqual([
      'system: You are Sunny, the cheerful Acme helper.\n\nNever promise refunds.',
      'user: Where is my parcel, order 100234?',
      'assistant:0: Parcels ship within 2 days [1].',
      'user: And returns?',
      'assistant:1: Returns are free within 30 days.',
    ]);
    // No agent on these rows: the tenant's default agent's prompt.
    expect(contents(bySystem.get('I want a human')!)).toEqual([
      'system: You are Sunny, the cheerful Acme helper.\n\nNever promise refunds.',
      'user: I want a human',
      'assistant:0: I am handing you over to the team.',
      'assistant:1: Hello, Sam from the team here: your refund is on its way.',
    ]);
    const exported = JSON.stringify(lines);
    for (const left of ['gift cards', 'waterproof', 'Tell me everything', 'Bye!', 'Something went wrong']) expect(exported).not.toContain(left);

    // Unmarking takes the staff reply out again.
    expect(await readJson(await markGood(app, staff.ids[2]!, { good: false }))).toEqual({ messageId: staff.ids[2], good: false });
    expect(await exportLines(app)).toHaveLength(1);
    expect(unrated.ids).toHaveLength(2);
  });

  it('redacts personal data, including the linked customer by name', async () => {
    const { tenant, publishableKey, secretKey } = await makeTenant(app.db, 'Redaction shop');
    const talk = await conversation(
      app,
      [
        { role: 'user', text: 'I am Jane Doe, jane.doe@example.com, +44 20 7946 0958. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, IP 203.0.113.42. Order 100234567 cost $1,299.00 on 2024-05-01 with app 4.12.0.' },
        { role: 'assistant', text: 'Thanks Jane, I have updated jd@corp.example for order 100234567.' },
      ],
      publishableKey,
      tenant.id,
    );
    const customerId = newId('cus');
    await app.db.query(`insert into customers (id, tenant_id, email, name) values ($1, $2, 'jd@corp.example', 'Jane Doe')`, [customerId, tenant.id]);
    await app.db.query('update sessions set customer_id = $3 where tenant_id = $1 and id = $2', [tenant.id, talk.sessionId, customerId]);
    await talk.rate(talk.ids[1]!, 'up');

    const [line] = await exportLines(app, '', secretKey);
    expect(contents(line!)).toEqual([
      "system: You are Redaction shop's customer support assistant. Answer the customer's questions helpfully and accurately.",
      'user: I am [NAME], [EMAIL], [PHONE]. Card [CARD], IBAN [IBAN], IP [IP]. Order 100234567 cost $1,299.00 on 2024-05-01 with app 4.12.0.',
      'assistant:1: Thanks [NAME], I have updated [EMAIL] for order 100234567.',
    ]);
  });

  it('keeps tenants apart: each exports and marks only its own answers', async () => {
    const other: TestTenant = await makeTenant(app.db, 'Other');
    const theirs = await conversation(app, [{ role: 'user', text: 'Other tenant question' }, { role: 'assistant', text: 'Other tenant answer' }], other.publishableKey, other.tenant.id);
    await theirs.rate(theirs.ids[1]!, 'up');

    expect(JSON.stringify(await exportLines(app))).not.toContain('Other tenant');
    expect(JSON.stringify(await exportLines(app, '', other.secretKey))).toContain('Other tenant answer');

    const ours = await conversation(app, [{ role: 'user', text: 'q' }, { role: 'assistant', text: 'a' }]);
    const crossTenant = await markGood(app, ours.ids[1]!, { good: true }, other.secretKey);
    expect(crossTenant.status).toBe(404);
    expect((await readJson(crossTenant)).error.message).toContain(ours.ids[1]);
    const marked = await app.db.query<{ marked_good: boolean }>('select marked_good from messages where id = $1', [ours.ids[1]]);
    expect(marked[0]!.marked_good).toBe(false);
  });

  it('filters by agent and by time', async () => {
    const { tenant, publishableKey, secretKey } = await makeTenant(app.db, 'Agents shop');
    const [sales, support] = [newId('agt'), newId('agt')];
    await app.db.query(
      `insert into agents (id, tenant_id, name, is_default, persona) values ($1, $3, 'sales', false, 'You sell.'), ($2, $3, 'support', true, 'You help.')`,
      [sales, support, tenant.id],
    );
    for (const [agentId, text] of [[sales, 'Buy the Pro plan'], [support, 'Restart the router']] as const) {
      const c = await conversation(app, [{ role: 'user', text: 'Question' }, { role: 'assistant', text, agentId }], publishableKey, tenant.id);
      await c.rate(c.ids[1]!, 'up');
    }
    const salesLines = await exportLines(app, '?agent=sales&minRating=up', secretKey);
    expect(salesLines.map(contents)).toEqual([['system: You sell.', 'user: Question', 'assistant:1: Buy the Pro plan']]);
    expect(await exportLines(app, '?since=2999-01-01', secretKey)).toEqual([]);
    expect(await exportLines(app, `?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, secretKey)).toHaveLength(2);
  });

  it('streams large exports page by page', async () => {
    const { tenant, secretKey } = await makeTenant(app.db, 'Big shop');
    const count = EXPORT_PAGE_SESSIONS * 2 + 7;
    for (let i = 0; i < count; i++) {
      const sessionId = newId('ses');
      await app.db.query('insert into sessions (id, tenant_id) values ($1, $2)', [sessionId, tenant.id]);
      const [, answerId] = await insertMessages(app.db, tenant.id, sessionId, [{ role: 'user', text: `Question ${i}` }, { role: 'assistant', text: `Answer ${i}` }]);
      await app.db.query(`update messages set feedback_rating = 'up' where tenant_id = $1 and id = $2`, [tenant.id, answerId]);
    }
    const lines = await exportLines(app, '', secretKey);
    expect(lines).toHaveLength(count);
    expect(new Set(lines.map((l) => l.messages[1]!.content)).size).toBe(count);
  }, 120_000);
});

describe('quality admin routes reject bad input with a 4xx that says why', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  it.each([
    ['?since=yesterday', 400, 'since must be an ISO 8601 date'],
    ['?minRating=down', 400, 'minRating must be "up"'],
    ['?agent=Not%20A%20Slug', 400, 'name must be a lower-case slug'],
    ['?agent=nobody', 404, 'No agent named "nobody"'],
    ['?format=csv', 400, 'format'],
  ])('GET export %s → %i', async (query, status, message) => {
    const res = await admin(app, `${QUALITY_ROUTES.fineTuningExport}${query}`);
    expect(res.status).toBe(status);
    expect((await readJson(res)).error.message).toContain(message);
  });

  it('needs the secret key', async () => {
    expect((await app.request(QUALITY_ROUTES.fineTuningExport)).status).toBe(401);
    expect((await admin(app, QUALITY_ROUTES.fineTuningExport, { secret: app.publishableKey })).status).toBe(401);
    expect((await app.request(markGoodPath('msg_x'), { method: 'PUT' })).status).toBe(401);
  });

  it('marks only complete answers, validating the id and the body', async () => {
    const sessionId = newId('ses');
    await app.db.query('insert into sessions (id, tenant_id) values ($1, $2)', [sessionId, app.tenant.id]);
    const [question, streaming, failed] = await insertMessages(app.db, app.tenant.id, sessionId, [
      { role: 'user', text: 'q' },
      { role: 'assistant', text: 'half', status: 'streaming' },
      { role: 'assistant', text: 'oops', status: 'error' },
    ]);
    const cases: Array<[string, unknown, number, string]> = [
      ['not-an-id', { good: true }, 400, 'messageId must look like msg_'],
      [failed!, { good: 'yes' }, 400, 'good must be true or false'],
      [failed!, { good: true, extra: 1 }, 400, 'extra'],
      [question!, { good: true }, 404, `No answer ${question}`],
      ['msg_doesnotexist', { good: true }, 404, 'No answer msg_doesnotexist'],
      [streaming!, { good: true }, 409, 'is streaming'],
      [failed!, { good: true }, 409, 'is error: only complete answers'],
    ];
    for (const [id, body, status, message] of cases) {
      const res = await markGood(app, id, body);
      expect({ id, status: res.status }).toEqual({ id, status });
      expect((await readJson(res)).error.message).toContain(message);
    }
    const noBody = await admin(app, markGoodPath(failed!), { method: 'PUT' });
    expect(noBody.status).toBe(400);
    expect((await readJson(noBody)).error.message).toContain('Expected a JSON body');
  });
});

/** A Db whose `call`-th statement matching `pattern` fails (a database failing mid-export). */
function failingOnCall(inner: Db, pattern: RegExp, call: number): Db {
  let seen = 0;
  return {
    engine: inner.engine,
    query: (sql, params) => (pattern.test(sql) && ++seen === call ? Promise.reject(new Error('injected failure')) : inner.query(sql, params)),
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction(work),
    close: () => inner.close(),
  };
}

describe('a database failure during the export is never a silent, short 200', () => {
  const MESSAGES_QUERY = /jsonb_array_elements_text\(\$4::jsonb\)/;

  async function appWithRatedConversations(failOnCall: number, conversations: number): Promise<TestApp> {
    const app = await startTestApp({ db: failingOnCall(await openMemoryDb(), MESSAGES_QUERY, failOnCall) });
    for (let i = 0; i < conversations; i++) {
      const sessionId = newId('ses');
      await app.db.query('insert into sessions (id, tenant_id) values ($1, $2)', [sessionId, app.tenant.id]);
      const [, answerId] = await insertMessages(app.db, app.tenant.id, sessionId, [{ role: 'user', text: `Question ${i}` }, { role: 'assistant', text: `Answer ${i}` }]);
      await app.db.query(`update messages set feedback_rating = 'up' where tenant_id = $1 and id = $2`, [app.tenant.id, answerId]);
    }
    return app;
  }

  it('before the first line: a 500 JSON error', async () => {
    const app = await appWithRatedConversations(1, 3);
    try {
      const res = await admin(app, QUALITY_ROUTES.fineTuningExport);
      expect(res.status).toBe(500);
      expect(await readJson(res)).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    } finally {
      await app.close();
      await app.db.close();
    }
  }, 60_000);

  it('after the first page: the download is aborted, so the client sees an error', async () => {
    const app = await appWithRatedConversations(2, EXPORT_PAGE_SESSIONS + 5);
    try {
      const res = await admin(app, QUALITY_ROUTES.fineTuningExport);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    } finally {
      await app.close();
      await app.db.close();
    }
  }, 60_000);
});

describe('from real conversations: chat, visitor rating, staff reply, mark good, export', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_EXTRACTIVE_DELAY_MS: '0' } });
    for (const doc of KB_DOCUMENTS) await upsertDocument(app.db, app.tenant.id, doc);
  }, 120_000);
  afterAll(() => app?.close());

  it('exports the answers a visitor liked and the staff reply marked good, as they were written', async () => {
    const visitor = await newVisitor(app);
    const refund = await readSse(await send(visitor, { text: 'How do I get a refund? Mail me at sam@example.org' }));
    const rating = await fetch(`${app.url}/v1/chat/${messageIdOf(refund)}/feedback`, {
      method: 'POST',
      headers: { ...visitor.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 'up' }),
    });
    expect(rating.status).toBe(200);
    await readSse(await send(visitor, { text: 'I want to talk to a human please' }));
    const reply = await admin(app, `/v1/admin/conversations/${visitor.sessionId}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Hi, this is Alex from the team: call us on +44 20 7946 0958.' }),
    });
    expect(reply.status).toBe(201);
    const staffReply = await app.db.query<{ id: string }>(`select id from messages where tenant_id = $1 and session_id = $2 and author = 'human'`, [app.tenant.id, visitor.sessionId]);
    expect((await markGood(app, staffReply[0]!.id, { good: true })).status).toBe(200);

    const [line, ...others] = await exportLines(app);
    expect(others).toEqual([]);
    const messages = line!.messages;
    expect(messages.map((m) => `${m.role}:${m.weight ?? ''}`)).toEqual(['system:', 'user:', 'assistant:1', 'user:', 'assistant:0', 'assistant:1']);
    expect(messages[1]!.content).toBe('How do I get a refund? Mail me at [EMAIL]');
    expect(messages[2]!.content).toBe(textOf(refund.chunks));
    expect(messages[5]!.content).toBe('Hi, this is Alex from the team: call us on [PHONE].');
  });
});


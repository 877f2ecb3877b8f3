import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROUTES } from '@prex/protocol';
import { closedPort, type RunningSmtpServer, startSmtpServer } from '@prex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { readJson } from '../helpers/app.js';
import { newVisitor, type Visitor } from '../helpers/chat.js';
import { openMemoryDb } from '../helpers/db.js';
import { linkVerifiedCustomer, startEmailTestServer, visitorWithAnswer, type EmailTestServer } from '../helpers/email.js';

const emailMe = (v: Visitor, body: string | undefined = '{}') =>
  fetch(`${v.url}${ROUTES.emailConversation}`, {
    method: 'POST',
    headers: { ...v.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });

const emailEvents = (t: EmailTestServer, query = '', secretKey = t.secretKey) =>
  fetch(`${t.url}/v1/admin/email-events${query}`, { headers: { authorization: `Bearer ${secretKey}` } });

describe('"email me this conversation" and the email events admin route', () => {
  let db: Db;
  let smtp: RunningSmtpServer;
  let shop: EmailTestServer;
  let other: EmailTestServer;

  beforeAll(async () => {
    db = await openMemoryDb();
    smtp = await startSmtpServer();
    shop = await startEmailTestServer({ PREX_SMTP_URL: smtp.url, PREX_MAIL_FROM: 'Northwind <help@northwind.test>' }, db);
    other = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db, 'Other Co');
  });
  afterAll(async () => {
    await shop.close();
    await other.close();
    await smtp.close();
    await db.close();
  });

  it('refuses a session without a verified email: 403 verification_required, nothing sent', async () => {
    const visitor = await visitorWithAnswer(shop);
    const res = await emailMe(visitor);
    expect(res.status).toBe(403);
    const body = await readJson(res);
    expect(body.error.code).toBe('verification_required');
    expect(body.error.message).toMatch(/verified email/);
    expect(smtp.messages.filter((m) => m.to.length && m.raw.includes(visitor.sessionId))).toHaveLength(0);
    const events = await readJson(await emailEvents(shop, `?sessionId=${visitor.sessionId}`));
    expect(events.events).toEqual([]);
  });

  it('emails the verified customer the transcript with its sources, answers 202 with a masked address, records the event', async () => {
    const visitor = await visitorWithAnswer(shop, 'How do I get a refund?');
    const customerId = await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'jane.doe@example.com', 'Jane');

    const res = await emailMe(visitor);
    expect(res.status).toBe(202);
    expect(await readJson(res)).toEqual({ sent: true, to: 'j***@example.com' });

    const mail = await smtp.waitFor((m) => m.to.includes('jane.doe@example.com'));
    expect(mail.from).toBe('help@northwind.test');
    expect(mail.subject).toBe('Your conversation with Northwind Notes');
    expect(mail.text).toContain('Hello Jane,');
    expect(mail.text).toContain('You: How do I get a refund?');
    expect(mail.text).toMatch(/Northwind Notes assistant: .*refund/i);
    expect(mail.text).toContain('https://help.example.com/refunds');
    expect(mail.html).toContain('How do I get a refund?');
    expect(mail.html).toContain('<a href="https://help.example.com/refunds">');
    expect(mail.html).toContain('Sent by Northwind Notes.');

    const { events } = await readJson(await emailEvents(shop, `?sessionId=${visitor.sessionId}`));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'summary', status: 'sent', recipient: 'jane.doe@example.com', customerId, sessionId: visitor.sessionId, error: null });
    expect(events[0].providerId).toBe(mail.headers['message-id']);
  });

  it('works end to end with the real verification: code by email, verify, then "email me"', async () => {
    const visitor = await visitorWithAnswer(shop, 'How long does shipping take?');
    const post = (path: string, body: unknown) =>
      fetch(`${visitor.url}${path}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(ROUTES.emailCodeStart, { email: 'real.flow@example.com' })).status).toBe(202);
    const codeMail = await smtp.waitFor((m) => m.to.includes('real.flow@example.com') && /code/.test(m.subject));
    const code = codeMail.subject.match(/(\d{6})$/)?.[1];
    expect(code).toBeDefined();
    expect((await post(ROUTES.emailCodeVerify, { email: 'real.flow@example.com', code })).status).toBe(200);

    const res = await emailMe(visitor);
    expect(res.status).toBe(202);
    expect(await readJson(res)).toEqual({ sent: true, to: 'r***@example.com' });
    const summary = await smtp.waitFor((m) => m.to.includes('real.flow@example.com') && m.subject.startsWith('Your conversation'));
    expect(summary.text).toContain('You: How long does shipping take?');
    const kinds = (await readJson(await emailEvents(shop, `?sessionId=${visitor.sessionId}`))).events.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['summary', 'otp']);
  });

  it('accepts a bodyless click, rejects unknown fields with a 400 naming them', async () => {
    const visitor = await visitorWithAnswer(shop);
    await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'sam@example.com');
    const bad = await emailMe(visitor, '{"to":"attacker@example.com"}');
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toMatch(/email request/);
    expect((await emailMe(visitor, undefined)).status).toBe(202);
    await smtp.waitFor((m) => m.to.includes('sam@example.com'));
    expect(smtp.messages.some((m) => m.to.includes('attacker@example.com'))).toBe(false);
  });

  it('allows three emails per session per hour, then 429 with Retry-After', async () => {
    const visitor = await visitorWithAnswer(shop);
    await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'rate@example.com');
    for (let i = 0; i < 3; i++) expect((await emailMe(visitor)).status).toBe(202);
    const limited = await emailMe(visitor);
    expect(limited.status).toBe(429);
    expect((await readJson(limited)).error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(smtp.messages.filter((m) => m.to.includes('rate@example.com'))).toHaveLength(3);
  });

  it('holds the hourly limit under simultaneous clicks', async () => {
    const visitor = await visitorWithAnswer(shop);
    await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'clicky@example.com');
    const statuses = (await Promise.all([1, 2, 3, 4, 5].map(() => emailMe(visitor)))).map((r) => r.status);
    const accepted = statuses.filter((s) => s === 202).length;
    // Typically one gets through while it holds the send; never more than the hourly limit.
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5 - accepted);
    await smtp.waitFor((m) => m.to.includes('clicky@example.com'));
    expect(smtp.messages.filter((m) => m.to.includes('clicky@example.com'))).toHaveLength(accepted);
  });

  it('says there is nothing to send for a verified session without messages (409)', async () => {
    const visitor = await newVisitor(shop);
    await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'empty@example.com');
    const res = await emailMe(visitor);
    expect(res.status).toBe(409);
    expect((await readJson(res)).error.message).toMatch(/nothing to email/i);
  });

  it('keeps each tenant to its own events, filters by kind, and validates the query', async () => {
    const mine = await visitorWithAnswer(other);
    await linkVerifiedCustomer(db, other.tenant.id, mine.sessionId, 'other@example.com');
    expect((await emailMe(mine)).status).toBe(202);

    const shopEvents = (await readJson(await emailEvents(shop))).events as Array<{ recipient: string }>;
    const otherEvents = (await readJson(await emailEvents(other))).events as Array<{ recipient: string }>;
    expect(otherEvents.map((e) => e.recipient)).toEqual(['other@example.com']);
    expect(shopEvents.map((e) => e.recipient)).not.toContain('other@example.com');
    expect(shopEvents.length).toBeGreaterThanOrEqual(5);
    // Another tenant's session id finds nothing.
    expect((await readJson(await emailEvents(shop, `?sessionId=${mine.sessionId}`))).events).toEqual([]);
    const otpEvents = (await readJson(await emailEvents(shop, '?kind=otp'))).events as Array<{ kind: string }>;
    expect(otpEvents.map((e) => e.kind)).toEqual(['otp']);
    expect((await readJson(await emailEvents(shop, '?kind=summary&limit=2'))).events).toHaveLength(2);

    const badLimit = await emailEvents(shop, '?limit=0');
    expect(badLimit.status).toBe(400);
    expect((await readJson(badLimit)).error.message).toMatch(/limit must be at least 1/);
    const badKind = await emailEvents(shop, '?kind=spam');
    expect(badKind.status).toBe(400);
    expect((await emailEvents(shop, '', shop.publishableKey)).status).toBe(401);
    expect((await fetch(`${shop.url}/v1/admin/email-events`)).status).toBe(401);
  });
});

describe('no relay configured (the offline demo)', () => {
  it('writes the summary to the outbox folder and records an outbox event', async () => {
    const outboxDir = await mkdtemp(path.join(tmpdir(), 'prex-outbox-'));
    const db = await openMemoryDb();
    const app = await startEmailTestServer({ PREX_OUTBOX_DIR: outboxDir }, db);
    try {
      const visitor = await visitorWithAnswer(app);
      await linkVerifiedCustomer(app.db, app.tenant.id, visitor.sessionId, 'offline@example.com');
      expect((await emailMe(visitor)).status).toBe(202);
      const { events } = await readJson(await emailEvents(app));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ status: 'outbox', kind: 'summary', recipient: 'offline@example.com' });
      const eml = await readFile(path.join(outboxDir, events[0].providerId), 'utf8');
      expect(eml).toMatch(/^Subject: Your conversation with Northwind Notes\r$/m);
      expect(eml).toMatch(/^To: offline@example.com\r$/m);
    } finally {
      await app.close();
      await db.close();
      await rm(outboxDir, { recursive: true, force: true });
    }
  });
});

describe('a relay that cannot be reached', () => {
  it('gives the visitor a clear 502 without the relay error, and records the failure for the tenant', async () => {
    const port = await closedPort();
    const db = await openMemoryDb();
    const app = await startEmailTestServer({ PREX_SMTP_URL: `smtp://user:hunter2@127.0.0.1:${port}` }, db);
    try {
      const visitor = await visitorWithAnswer(app);
      await linkVerifiedCustomer(app.db, app.tenant.id, visitor.sessionId, 'lost@example.com');
      const res = await emailMe(visitor);
      expect(res.status).toBe(502);
      const body = await readJson(res);
      expect(body.error.code).toBe('email_unavailable');
      expect(body.error.message).toBe('The email could not be sent right now. Please try again in a few minutes.');
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|hunter2/);

      const { events } = await readJson(await emailEvents(app));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'summary', status: 'failed', recipient: 'lost@example.com', providerId: null });
      expect(events[0].error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await app.close();
      await db.close();
    }
  });
});


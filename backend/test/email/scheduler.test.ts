import { ROUTES } from '@prex/protocol';
import { startSmtpServer, type RunningSmtpServer } from '@prex/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { startSummaryScheduler, type SummaryScheduler } from '../../src/email/index.js';
import { createMailer, listEmailEvents } from '../../src/mail/index.js';
import { newId } from '../../src/ids.js';
import { newVisitor, readSse, send } from '../helpers/chat.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';
import { ageConversation, linkVerifiedCustomer, startEmailTestServer, visitorWithAnswer, type EmailTestServer } from '../helpers/email.js';

const INACTIVITY_MINUTES = 30;

async function setSummarySettings(db: Db, tenantId: string, summaryEmails: { toCustomer: boolean; tenantAddress: string | null }) {
  await db.query('update tenants set customer_settings = $2::jsonb where id = $1', [tenantId, JSON.stringify({ requireSignedIdentity: false, summaryEmails })]);
}

describe.each<Engine>(['pglite', 'postgres'])('automatic summaries on %s', (engine) => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let smtp: RunningSmtpServer;
  let app: EmailTestServer;
  const schedulers: SummaryScheduler[] = [];

  /** A scheduler process of its own (its own mailer), on the shared database. */
  function scheduler(inactivityMinutes = INACTIVITY_MINUTES, scanIntervalMs = 3_600_000): SummaryScheduler {
    const mailer = createMailer({ email: { smtpUrl: smtp.url, from: 'Prex <summaries@prex.test>', outboxDir: '/nonexistent' } }, silentLog);
    const started = startSummaryScheduler({ db, mailer, log: silentLog, gateway: null, config: { summaries: { inactivityMinutes, scanIntervalMs } } });
    const handle = { runOnce: started.runOnce, stop: async () => { await started.stop(); await mailer.close(); } };
    schedulers.push(handle);
    return handle;
  }

  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));

  beforeAll(async () => {
    ({ db, close: closeDb } = await openEngine(engine));
    smtp = await startSmtpServer();
    app = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db);
    await setSummarySettings(db, app.tenant.id, { toCustomer: true, tenantAddress: null });
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await app.close();
    await smtp.close();
    await closeDb();
  });

  it('summarises a quiet conversation once, and a new message re-arms it', async () => {
    const visitor = await visitorWithAnswer(app, 'How do I get a refund?');
    await linkVerifiedCustomer(db, app.tenant.id, visitor.sessionId, 'quiet@example.com', 'Quinn');
    const scan = scheduler();

    expect(await scan.runOnce()).toBe(0); // not quiet yet
    await ageConversation(db, app.tenant.id, visitor.sessionId, INACTIVITY_MINUTES + 5);
    expect(await scan.runOnce()).toBe(1);
    const first = await smtp.waitFor((m) => m.to.includes('quiet@example.com'));
    expect(first.subject).toBe('Your conversation with Northwind Notes');
    expect(first.text).toContain('Hello Quinn,');
    expect(first.text).toContain('You: How do I get a refund?');
    const [event] = await listEmailEvents(db, app.tenant.id, { sessionId: visitor.sessionId, limit: 10 });
    expect(event).toMatchObject({ kind: 'auto_summary', status: 'sent', recipient: 'quiet@example.com' });

    // Quiet still, but already summarised: nothing more.
    await ageConversation(db, app.tenant.id, visitor.sessionId, 60);
    expect(await scan.runOnce()).toBe(0);
    expect(mailsTo('quiet@example.com')).toHaveLength(1);

    // The customer comes back: the new message re-arms the summary once it is quiet again.
    expect((await readSse(await send(visitor, { text: 'How long does shipping take?' }))).done).toBe(true);
    expect(await scan.runOnce()).toBe(0);
    await ageConversation(db, app.tenant.id, visitor.sessionId, INACTIVITY_MINUTES + 5);
    expect(await scan.runOnce()).toBe(1);
    await smtp.waitFor(() => mailsTo('quiet@example.com').length === 2);
    const second = mailsTo('quiet@example.com')[1]!;
    expect(second.text).toContain('You: How do I get a refund?');
    expect(second.text).toContain('You: How long does shipping take?');
  });

  it('leaves alone a conversation with no finished answer', async () => {
    const visitor = await newVisitor(app);
    await linkVerifiedCustomer(db, app.tenant.id, visitor.sessionId, 'unanswered@example.com');
    // Fixture: a question whose answer failed (the provider died), as the chat leaves it.
    await db.query(
      `insert into messages (id, tenant_id, session_id, role, text, status) values
         ($1, $3, $4, 'user', 'Hello?', 'complete'), ($2, $3, $4, 'assistant', '', 'error')`,
      [newId('msg'), newId('msg'), app.tenant.id, visitor.sessionId],
    );
    await ageConversation(db, app.tenant.id, visitor.sessionId, INACTIVITY_MINUTES + 1);
    expect(await scheduler().runOnce()).toBe(0);
    expect(mailsTo('unanswered@example.com')).toHaveLength(0);
  });

  it('does not repeat a summary the customer already emailed themselves', async () => {
    const visitor = await visitorWithAnswer(app);
    await linkVerifiedCustomer(db, app.tenant.id, visitor.sessionId, 'clicked@example.com');
    const click = await fetch(`${visitor.url}${ROUTES.emailConversation}`, { method: 'POST', headers: visitor.headers });
    expect(click.status).toBe(202);
    await ageConversation(db, app.tenant.id, visitor.sessionId, INACTIVITY_MINUTES + 1);
    expect(await scheduler().runOnce()).toBe(0);
    expect(mailsTo('clicked@example.com')).toHaveLength(1);
  });

  it('several schedulers scanning the same database at once send each summary once', async () => {
    const visitors = await Promise.all([0, 1, 2].map(() => visitorWithAnswer(app)));
    for (const [i, v] of visitors.entries()) {
      await linkVerifiedCustomer(db, app.tenant.id, v.sessionId, `twice-${i}@example.com`);
      await ageConversation(db, app.tenant.id, v.sessionId, INACTIVITY_MINUTES + 1);
    }
    const processes = [scheduler(), scheduler(), scheduler()];
    const claimed = await Promise.all(processes.map((p) => p.runOnce()));
    expect(claimed.reduce((x, y) => x + y, 0)).toBe(3);
    expect(await Promise.all(processes.map((p) => p.runOnce()))).toEqual([0, 0, 0]);
    await smtp.waitFor(() => [0, 1, 2].every((i) => mailsTo(`twice-${i}@example.com`).length >= 1));
    for (const i of [0, 1, 2]) expect(mailsTo(`twice-${i}@example.com`)).toHaveLength(1);
    const events = await listEmailEvents(db, app.tenant.id, { kind: 'auto_summary', limit: 100 });
    expect(events.filter((e) => e.recipient.startsWith('twice-'))).toHaveLength(3);
  });

  it('sends the tenant a copy naming the customer, and leaves anonymous visitors alone unless the tenant asked', async () => {
    const other = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db, 'Other Co');
    try {
      await setSummarySettings(db, other.tenant.id, { toCustomer: false, tenantAddress: 'team@other.test' });
      const verified = await visitorWithAnswer(other);
      await linkVerifiedCustomer(db, other.tenant.id, verified.sessionId, 'kim@example.com', 'Kim');
      const anonymous = await visitorWithAnswer(other, 'How long does shipping take?');
      for (const v of [verified, anonymous]) await ageConversation(db, other.tenant.id, v.sessionId, INACTIVITY_MINUTES + 1);

      expect(await scheduler().runOnce()).toBe(2);
      await smtp.waitFor(() => mailsTo('team@other.test').length === 2);
      expect(mailsTo('kim@example.com')).toHaveLength(0); // toCustomer is off for this tenant
      const subjects = mailsTo('team@other.test').map((m) => m.subject).sort();
      expect(subjects).toEqual(['Conversation summary: Kim kim@example.com', 'Conversation summary: a visitor']);
      const copy = mailsTo('team@other.test').find((m) => m.subject.includes('Kim'))!;
      expect(copy.text).toContain('Customer: How do I get a refund?');
      expect(copy.text).not.toContain('You:');
      expect(copy.headers['reply-to']).toBe('kim@example.com');
      expect(copy.headers.from).toBe('Other Co <summaries@prex.test>');
    } finally {
      await other.close();
    }
  });

  it('finds quiet conversations on its own timer, and is off when the inactivity is 0', async () => {
    const visitor = await visitorWithAnswer(app);
    await linkVerifiedCustomer(db, app.tenant.id, visitor.sessionId, 'timer@example.com');
    await ageConversation(db, app.tenant.id, visitor.sessionId, INACTIVITY_MINUTES + 1);

    const off = scheduler(0, 50);
    expect(await off.runOnce()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailsTo('timer@example.com')).toHaveLength(0);

    scheduler(INACTIVITY_MINUTES, 50);
    const mail = await smtp.waitFor((m) => m.to.includes('timer@example.com'), 5_000);
    expect(mail.subject).toBe('Your conversation with Northwind Notes');
  });
});

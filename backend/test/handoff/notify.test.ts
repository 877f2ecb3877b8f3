import { handoffConfirmPath, ROUTES } from '@prex/protocol';
import { closedPort, type ReceivedMail, type RunningSmtpServer, startSmtpServer } from '@prex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { listEmailEvents } from '../../src/mail/events.js';
import { readJson } from '../helpers/app.js';
import { newVisitor, readSse, send, type Visitor } from '../helpers/chat.js';
import { openMemoryDb } from '../helpers/db.js';
import { proposeByTool } from '../helpers/handoff.js';
import { linkVerifiedCustomer, startEmailTestServer, visitorWithAnswer, type EmailTestServer } from '../helpers/email.js';

const HOSTILE = '<script>alert("x")</script> & <b>bold</b>';

function visitorPost(v: Visitor, path: string, body: unknown): Promise<Response> {
  return fetch(`${v.url}${path}`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function setHandoffAddress(t: EmailTestServer, to: string | null): Promise<void> {
  const res = await fetch(`${t.url}/v1/admin/customer-settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ requireSignedIdentity: false, summaryEmails: { toCustomer: true, tenantAddress: null }, handoffEmails: { to } }),
  });
  expect(res.status).toBe(200);
}

const handoffEvents = (t: EmailTestServer, sessionId: string) => listEmailEvents(t.db, t.tenant.id, { sessionId, kind: 'handoff', limit: 10 });
const mailsFor = (smtp: RunningSmtpServer, sessionId: string) => smtp.messages.filter((m) => m.text.includes(sessionId));

function expectEscaped(mail: ReceivedMail): void {
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).not.toContain('<b>bold</b>');
  expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
}

describe('staff notice when a conversation is handed to a person', () => {
  let db: Db;
  let smtp: RunningSmtpServer;
  let shop: EmailTestServer;
  let other: EmailTestServer;

  beforeAll(async () => {
    db = await openMemoryDb();
    smtp = await startSmtpServer();
    shop = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db);
    other = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db, 'Other Co');
    await setHandoffAddress(shop, 'Support@Northwind.example');
    await setHandoffAddress(other, 'staff@other.example');
  });
  afterAll(async () => {
    await shop.close();
    await other.close();
    await smtp.close();
    await db.close();
  });

  it('"Talk to a human": one mail to the tenant address with reason, source, last messages, customer and session; hostile text escaped', async () => {
    const visitor = await visitorWithAnswer(shop, `How do I get a refund? ${HOSTILE}`);
    await linkVerifiedCustomer(db, shop.tenant.id, visitor.sessionId, 'jane.doe@example.com', 'Jane');
    const res = await visitorPost(visitor, ROUTES.handoff, { reason: `Refund problem ${HOSTILE}` });
    expect(res.status).toBe(201);
    await shop.server.handoffNoticesSettled();

    const mails = mailsFor(smtp, visitor.sessionId);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['support@northwind.example']);
    expect(mail.subject).toBe('Northwind Notes: a visitor asked for a person');
    expect(mail.text).toContain(`Reason: Refund problem ${HOSTILE}`);
    expect(mail.text).toContain('Source: visitor.');
    expect(mail.text).toContain('Customer (verified email): jane.doe@example.com');
    expect(mail.text).toContain(`Customer: How do I get a refund? ${HOSTILE}`);
    expect(mail.text).toContain('Northwind Notes assistant: ');
    expect(mail.text).toContain(`/v1/admin/conversations/${visitor.sessionId}`);
    expect(mail.headers['reply-to']).toContain('jane.doe@example.com');
    expectEscaped(mail);
    expect(mail.html).toContain(visitor.sessionId);

    const events = await handoffEvents(shop, visitor.sessionId);
    expect(events).toEqual([expect.objectContaining({ kind: 'handoff', status: 'sent', recipient: 'support@northwind.example' })]);
    expect(events[0]!.customerId).toMatch(/^cus_/);
  });

  it('reusing the open escalation (a second press) sends nothing more', async () => {
    const visitor = await visitorWithAnswer(shop);
    expect((await visitorPost(visitor, ROUTES.handoff, {})).status).toBe(201);
    expect((await visitorPost(visitor, ROUTES.handoff, {})).status).toBe(200);
    // The classifier asking again reuses it too.
    const read = await readSse(await send(visitor, { text: 'I want to talk to a real person please' }));
    expect(read.done).toBe(true);
    await shop.server.handoffNoticesSettled();
    expect(mailsFor(smtp, visitor.sessionId)).toHaveLength(1);
    expect(await handoffEvents(shop, visitor.sessionId)).toHaveLength(1);
  });

  it('the classifier path (an explicit request in the chat) sends one mail, after the answer stream', async () => {
    const visitor = await newVisitor(shop);
    const read = await readSse(await send(visitor, { text: `I want to talk to a real person please ${HOSTILE}` }));
    expect(read.done).toBe(true);
    expect(read.chunks.some((c) => c.chunk.type === 'data-prex-handoff')).toBe(true);
    await shop.server.handoffNoticesSettled();
    const mails = mailsFor(smtp, visitor.sessionId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Northwind Notes: a visitor asked for a person');
    expect(mails[0]!.text).toContain('Source: classifier.');
    expect(mails[0]!.text).toContain('Customer: anonymous visitor');
    expect(mails[0]!.text).toContain(`Customer: I want to talk to a real person please ${HOSTILE}`);
    expectEscaped(mails[0]!);
  });

  it("accepting the agent's proposal sends one mail; the proposal itself and a decline send none", async () => {
    const visitor = await newVisitor(shop);
    const escalationId = await proposeByTool(shop, visitor, `Needs a refund exception ${HOSTILE}`);
    await shop.server.handoffNoticesSettled();
    expect(mailsFor(smtp, visitor.sessionId)).toHaveLength(0);

    const yes = await visitorPost(visitor, handoffConfirmPath(escalationId), { accept: true });
    expect(yes.status).toBe(200);
    await shop.server.handoffNoticesSettled();
    const mails = mailsFor(smtp, visitor.sessionId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Reason: Needs a refund exception ${HOSTILE}`);
    expect(mails[0]!.text).toContain('Source: tool.');
    expectEscaped(mails[0]!);

    const declining = await newVisitor(shop);
    const declined = await proposeByTool(shop, declining, 'Maybe a person');
    expect((await visitorPost(declining, handoffConfirmPath(declined), { accept: false })).status).toBe(200);
    await shop.server.handoffNoticesSettled();
    expect(mailsFor(smtp, declining.sessionId)).toHaveLength(0);
    expect(await handoffEvents(shop, declining.sessionId)).toEqual([]);
  });

  it('"Talk to a human" while a proposal waits opens that proposal: one mail', async () => {
    const visitor = await newVisitor(shop);
    await proposeByTool(shop, visitor, 'Wants a refund exception');
    const res = await visitorPost(visitor, ROUTES.handoff, {});
    expect(res.status).toBe(201);
    await shop.server.handoffNoticesSettled();
    const mails = mailsFor(smtp, visitor.sessionId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Reason: Wants a refund exception');
  });

  it("tenant isolation: each tenant's handoff goes to its own address only", async () => {
    const mine = await visitorWithAnswer(other);
    expect((await visitorPost(mine, ROUTES.handoff, {})).status).toBe(201);
    await other.server.handoffNoticesSettled();
    const mails = mailsFor(smtp, mine.sessionId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['staff@other.example']);
    expect(mails[0]!.subject).toBe('Other Co: a visitor asked for a person');
    expect(smtp.messages.filter((m) => m.to.includes('staff@other.example')).every((m) => m.subject.startsWith('Other Co:'))).toBe(true);
    expect(smtp.messages.filter((m) => m.to.includes('support@northwind.example')).every((m) => m.subject.startsWith('Northwind Notes:'))).toBe(true);
    expect(await handoffEvents(shop, mine.sessionId)).toEqual([]);
  });

  it('no address configured: nothing sent, nothing recorded', async () => {
    const bare = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db, 'Bare Co');
    try {
      const visitor = await visitorWithAnswer(bare);
      expect((await visitorPost(visitor, ROUTES.handoff, {})).status).toBe(201);
      await bare.server.handoffNoticesSettled();
      expect(mailsFor(smtp, visitor.sessionId)).toHaveLength(0);
      expect(await handoffEvents(bare, visitor.sessionId)).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('old stored settings without handoffEmails still read (as nobody), and a PUT without it keeps the address', async () => {
    const res = await fetch(`${shop.url}/v1/admin/customer-settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requireSignedIdentity: false, summaryEmails: { toCustomer: true, tenantAddress: null } }),
    });
    expect((await readJson(res)).settings.handoffEmails).toEqual({ to: 'support@northwind.example' });
    const bad = await fetch(`${shop.url}/v1/admin/customer-settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requireSignedIdentity: false, summaryEmails: { toCustomer: true, tenantAddress: null }, handoffEmails: { to: 'nope' } }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await readJson(bad))).toContain('handoffEmails');

    const legacy = await startEmailTestServer({ PREX_SMTP_URL: smtp.url }, db, 'Legacy Co');
    try {
      await db.query(`update tenants set customer_settings = $2::jsonb where id = $1`, [
        legacy.tenant.id,
        JSON.stringify({ requireSignedIdentity: true, summaryEmails: { toCustomer: false, tenantAddress: 'copy@legacy.example' } }),
      ]);
      const read = await fetch(`${legacy.url}/v1/admin/customer-settings`, { headers: { authorization: `Bearer ${legacy.secretKey}` } });
      expect((await readJson(read)).settings).toEqual({
        requireSignedIdentity: true,
        summaryEmails: { toCustomer: false, tenantAddress: 'copy@legacy.example' },
        handoffEmails: { to: null },
      });
    } finally {
      await legacy.close();
    }
  });
});

describe('staff notice with the relay down', () => {
  it('the visitor still gets 201 / 200 and the stream; each failed notice is recorded as failed', async () => {
    const db = await openMemoryDb();
    const down = await startEmailTestServer({ PREX_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` }, db);
    try {
      await setHandoffAddress(down, 'support@northwind.example');
      const pressed = await visitorWithAnswer(down);
      expect((await visitorPost(pressed, ROUTES.handoff, {})).status).toBe(201);

      const asked = await newVisitor(down);
      const read = await readSse(await send(asked, { text: 'I want to talk to a real person please' }));
      expect(read.done).toBe(true);

      const accepted = await newVisitor(down);
      const escalationId = await proposeByTool(down, accepted, 'Needs a person');
      expect((await visitorPost(accepted, handoffConfirmPath(escalationId), { accept: true })).status).toBe(200);

      await down.server.handoffNoticesSettled();
      for (const v of [pressed, asked, accepted]) {
        const events = await handoffEvents(down, v.sessionId);
        expect(events).toEqual([expect.objectContaining({ kind: 'handoff', status: 'failed', recipient: 'support@northwind.example', providerId: null })]);
        expect(events[0]!.error).toBeTruthy();
      }
    } finally {
      await down.close();
      await db.close();
    }
  });
});

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closedPort, type RunningSmtpServer, startSmtpServer } from '@prex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { sendCodeEmail } from '../../src/customers/code-mail.js';
import { createMailer, EmailNotSentError, listEmailEvents, sendEmail } from '../../src/mail/index.js';
import { summaryMail } from '../../src/email/templates.js';
import { makeTenant } from '../helpers/app.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';
import { decodeMessage } from '@prex/testing';
import { recordingLog } from '../helpers/email.js';

const FROM = 'Prex <no-reply@prex.test>';

describe('email through a real SMTP relay on loopback', () => {
  let db: Db;
  let smtp: RunningSmtpServer;
  let tenantId: string;

  beforeAll(async () => {
    db = await openMemoryDb();
    smtp = await startSmtpServer({ auth: { user: 'relay-user', pass: 's3cret' } });
    tenantId = (await makeTenant(db, 'Northwind Notes')).tenant.id;
  });
  afterAll(async () => {
    await smtp.close();
    await db.close();
  });

  it('delivers a code mail with subject, text and HTML, authenticated, and records it as sent', async () => {
    const mailer = createMailer({ email: { smtpUrl: smtp.url, from: FROM, outboxDir: '/nonexistent' } }, silentLog);
    try {
      const event = await sendCodeEmail({ db, mailer, log: silentLog }, {
        tenantId, tenantName: 'Northwind Notes', to: 'jane@example.com', code: '123456', purpose: 'verify', sessionId: null,
      });
      const mail = await smtp.waitFor((m) => m.to.includes('jane@example.com'));
      expect(mail.user).toBe('relay-user');
      expect(mail.from).toBe('no-reply@prex.test');
      expect(mail.subject).toBe('Your Northwind Notes code: 123456');
      expect(mail.headers.from).toBe('Northwind Notes <no-reply@prex.test>');
      expect(mail.text).toContain('123456');
      expect(mail.text).toContain('expires in 10 minutes');
      expect(mail.text).toMatch(/did not ask for this code, you can ignore this email/);
      expect(mail.html).toContain('123456');
      expect(mail.html).toContain('expires in 10 minutes');

      expect(event).toMatchObject({ tenantId, kind: 'otp', recipient: 'jane@example.com', status: 'sent', error: null });
      // The relay's message id, as the Message-ID header it received.
      expect(mail.headers['message-id']).toBe(event.providerId);
      const [stored] = await listEmailEvents(db, tenantId, { limit: 10 });
      expect(stored).toEqual(event);
    } finally {
      await mailer.close();
    }
  });

  it('escapes hostile content in the HTML body and never links a non-http URL', async () => {
    const mailer = createMailer({ email: { smtpUrl: smtp.url, from: FROM, outboxDir: '/nonexistent' } }, silentLog);
    const hostile = `<script>alert("x")</script> it's "quoted" & <b>bold</b>`;
    const mail = summaryMail({
      to: 'evil@example.com',
      tenantName: `Evil <img src=x onerror=alert(1)> Co`,
      audience: 'customer',
      customerName: `<i>Mallory</i>`,
      customerEmail: 'evil@example.com',
      summary: hostile,
      transcript: [
        { speaker: 'customer', text: hostile, sources: [], files: [], at: new Date() },
        // A file's name and a staff member's name are the visitor's and the staff's words: escaped too.
        { speaker: 'customer', text: '', sources: [], files: [{ name: '<img src=x onerror=alert(4)>.pdf', size: 2048 }], at: new Date() },
        { speaker: 'staff', name: '<b>Eve</b>', text: 'Got it.', sources: [], files: [], at: new Date() },
        {
          speaker: 'assistant',
          text: 'See the docs.',
          sources: [
            { title: 'Refunds "policy"', url: 'https://help.example/refunds?a=1&b="><script>alert(2)</script>' },
            { title: 'Sneaky', url: 'javascript:alert(3)' },
          ],
          files: [],
          at: new Date(),
        },
      ],
    });
    try {
      await sendEmail({ db, mailer, log: silentLog }, { tenantId, kind: 'summary', mail });
      const received = await smtp.waitFor((m) => m.to.includes('evil@example.com'));
      expect(received.html).not.toMatch(/<script|<img|<i>|<b>|onerror=alert\(1\)>/);
      expect(received.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(received.html).toContain('it&#39;s &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
      expect(received.html).toContain('Attached: &lt;img src=x onerror=alert(4)&gt;.pdf (2 KB)');
      expect(received.html).toContain('&lt;b&gt;Eve&lt;/b&gt; (Evil');
      // The crafted link stays one attribute value: its quote and brackets are escaped by URL encoding or entities.
      const hrefs = [...received.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs).toHaveLength(1);
      expect(hrefs[0]).toMatch(/^https:\/\/help\.example\/refunds\?a=1&amp;b=/);
      expect(received.html).not.toContain('javascript:');
      expect(received.html).toContain('Sneaky');
      // The hostile tenant name is the From display name, encoded: one header, nothing injected.
      expect(received.headers.from).toBe('"Evil <img src=x onerror=alert(1)> Co" <no-reply@prex.test>');
      // The text body carries the words as written (no HTML there to escape).
      expect(received.text).toContain(hostile);
      expect(received.text).not.toContain('javascript:');
    } finally {
      await mailer.close();
    }
  });

  it('a tenant name with quotes and line breaks cannot add headers or recipients', async () => {
    const mailer = createMailer({ email: { smtpUrl: smtp.url, from: FROM, outboxDir: '/nonexistent' } }, silentLog);
    try {
      await sendCodeEmail({ db, mailer, log: silentLog }, {
        tenantId, tenantName: 'Acme "Inc"\r\nBcc: thief@evil.example', to: 'victim@example.com', code: '111222', purpose: 'verify',
      });
      const mail = await smtp.waitFor((m) => m.to.includes('victim@example.com'));
      expect(mail.to).toEqual(['victim@example.com']);
      expect(mail.headers.bcc).toBeUndefined();
      const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!;
      expect(headerBlock).not.toMatch(/^Bcc:/im);
      expect(mail.headers.from).toMatch(/^"?Acme .*Inc.* <no-reply@prex\.test>$/);
    } finally {
      await mailer.close();
    }
  });

  it('an unreachable relay: a failed event with the error, and an error that tells the visitor nothing of the relay', async () => {
    const port = await closedPort();
    const mailer = createMailer({ email: { smtpUrl: `smtp://user:pw@127.0.0.1:${port}`, from: FROM, outboxDir: '/nonexistent' } }, silentLog);
    try {
      const attempt = sendEmail({ db, mailer, log: silentLog }, {
        tenantId, sessionId: 'ses_x', kind: 'summary', mail: { to: 'nobody@example.com', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' },
      });
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmailNotSentError);
      const notSent = error as EmailNotSentError;
      expect(notSent.status).toBe(502);
      expect(notSent.message).toBe('The email could not be sent right now. Please try again in a few minutes.');
      expect(notSent.event).toMatchObject({ status: 'failed', recipient: 'nobody@example.com', sessionId: 'ses_x', providerId: null });
      expect(notSent.event.error).toMatch(/ECONNREFUSED|connect/i);
      const [stored] = await listEmailEvents(db, tenantId, { sessionId: 'ses_x', limit: 5 });
      expect(stored?.status).toBe('failed');
    } finally {
      await mailer.close();
    }
  });
});

describe('a relay that refuses or a URL that is wrong', () => {
  it('records a relay refusal (550) as failed with the relay answer', async () => {
    const db = await openMemoryDb();
    const smtp = await startSmtpServer({ rejectWith: { code: 550, message: 'Mailbox unavailable' } });
    const mailer = createMailer({ email: { smtpUrl: smtp.url, from: FROM, outboxDir: '/nonexistent' } }, silentLog);
    try {
      const { tenant } = await makeTenant(db);
      const error = await sendEmail({ db, mailer, log: silentLog }, {
        tenantId: tenant.id, kind: 'summary', mail: { to: 'gone@example.com', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmailNotSentError);
      expect((error as EmailNotSentError).event).toMatchObject({ status: 'failed', recipient: 'gone@example.com' });
      expect((error as EmailNotSentError).event.error).toMatch(/550.*Mailbox unavailable/);
    } finally {
      await mailer.close();
      await smtp.close();
      await db.close();
    }
  });

  it('stops start-up with a message naming PREX_SMTP_URL when it has no host or a bad port', () => {
    for (const smtpUrl of ['smtp://', 'smtp://relay.example:abc']) {
      expect(() => createMailer({ email: { smtpUrl, from: FROM, outboxDir: '/x' } }, silentLog)).toThrow(/PREX_SMTP_URL: must be smtp\(s\):\/\//);
    }
  });
});

describe('email to the local outbox (no relay configured)', () => {
  let db: Db;
  let outboxDir: string;

  beforeAll(async () => {
    db = await openMemoryDb();
    outboxDir = await mkdtemp(path.join(tmpdir(), 'prex-outbox-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(outboxDir, { recursive: true, force: true });
  });

  it('writes one .eml file a mail client can open, logs where it is (not the recipient, not the code), and records an outbox event', async () => {
    const { tenant } = await makeTenant(db, 'Northwind Notes');
    const log = recordingLog();
    const mailer = createMailer({ email: { smtpUrl: null, from: FROM, outboxDir: path.join(outboxDir, 'nested') } }, log);
    const event = await sendCodeEmail({ db, mailer, log }, { tenantId: tenant.id, tenantName: tenant.name, to: 'sam@example.com', code: '654321', purpose: 'export' });

    const files = await readdir(path.join(outboxDir, 'nested'));
    expect(files).toEqual([event.providerId]);
    expect(files[0]).toMatch(/\.eml$/);
    const raw = await readFile(path.join(outboxDir, 'nested', files[0]!), 'utf8');
    expect(raw).toMatch(/\r\n/);
    const parsed = decodeMessage(raw);
    expect(parsed.headers.to).toBe('sam@example.com');
    expect(parsed.headers.from).toBe('Northwind Notes <no-reply@prex.test>');
    expect(parsed.subject).toBe('Your Northwind Notes code: 654321');
    expect(parsed.text).toContain('to download a copy of your data');
    expect(parsed.html).toContain('654321');

    expect(event).toMatchObject({ status: 'outbox', kind: 'otp', recipient: 'sam@example.com', tenantId: tenant.id });
    const line = log.lines.find((l) => l.msg.includes('outbox'));
    expect(line?.level).toBe('info');
    // The code is read from the file; recipient and subject reach the log only with PREX_LOG_PROMPTS (test/logger.test.ts).
    expect(line?.fields).toEqual({ file: path.join(outboxDir, 'nested', files[0]!) });
  });
});


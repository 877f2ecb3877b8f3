import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PUBLISHABLE_KEY_HEADER, ROUTES } from '@prex/protocol';
import { startSmtpServer } from '@prex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertDocument } from '../src/knowledge/ingest.js';
import { createLogger, type Logger } from '../src/logger.js';
import { ALLOWED_ORIGIN, startTestApp, type TestApp } from './helpers/app.js';
import { KB_DOCUMENTS, readSse, send, textOf } from './helpers/chat.js';
import { codeIn, openWidget } from './helpers/customers.js';

const EMAIL = 'jane.doe@example.com';
const PHONE = '+44 20 7946 0958';
/** A question with contact details and a word found nowhere else, to spot its text in a log. */
const QUESTION = `How do I get a refund for order zebraquartz? Call me on ${PHONE} or write to ${EMAIL}`;

/** A logger at debug level (the most a log can say) writing into an array. */
function capturingLog(prompts: boolean): { log: Logger; text: () => string } {
  const lines: string[] = [];
  return { log: createLogger('debug', (line) => lines.push(line), { prompts }), text: () => lines.join('') };
}

/**
 * One visitor's conversation: a question with an email and a phone number, its streamed answer,
 * then an email code asked for and verified (mail to the outbox: the code is read from the file
 * the log names, as an operator of the offline demo would). Returns what the log must not hold.
 */
async function chatAndVerifyEmail(app: TestApp, log: () => string): Promise<{ answer: string; code: string }> {
  for (const doc of KB_DOCUMENTS) await upsertDocument(app.db, app.tenant.id, doc);
  const widget = await openWidget(app);
  const read = await readSse(await fetchChat(app, widget.token));
  const answer = textOf(read.chunks);
  expect(answer.length).toBeGreaterThan(40);

  expect((await widget.call('POST', ROUTES.emailCodeStart, { email: EMAIL, purpose: 'verify' })).status).toBe(202);
  const file = /email written to the outbox \(no SMTP relay configured\) file=(\S+)/.exec(log())?.[1];
  expect(file, 'the log names the outbox file').toBeTruthy();
  const code = codeIn(await readFile(file!, 'utf8'));
  expect((await widget.call('POST', ROUTES.emailCodeVerify, { email: EMAIL, code })).status).toBe(200);
  return { answer, code };
}

function fetchChat(app: TestApp, token: string): Promise<Response> {
  const sessionId = token.split('.')[0]!;
  return send({ url: app.url, sessionId, headers: { [PUBLISHABLE_KEY_HEADER]: app.publishableKey, origin: ALLOWED_ORIGIN, authorization: `Bearer ${token}` } }, { text: QUESTION });
}

let outbox: string;
beforeAll(async () => {
  outbox = await mkdtemp(path.join(tmpdir(), 'prex-log-outbox-'));
});
afterAll(() => rm(outbox, { recursive: true, force: true }));

describe('logs without prompt logging (the default)', () => {
  it('carry no message text, email, phone number or code through a chat and an email-code flow', async () => {
    const { log, text } = capturingLog(false);
    const app = await startTestApp({ log, env: { PREX_OUTBOX_DIR: outbox, LOG_LEVEL: 'debug' } });
    try {
      const { answer, code } = await chatAndVerifyEmail(app, text);
      const logged = text();
      expect(logged).toMatch(/email written to the outbox/); // the log did record the flow
      for (const secret of [EMAIL, PHONE, '7946', code, 'zebraquartz', QUESTION.slice(0, 30), answer.slice(0, 30)]) {
        expect(logged, `log holds ${secret}`).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });

  it('redact an email address from an error an SMTP relay sends back', async () => {
    const smtp = await startSmtpServer({ rejectWith: { code: 550, message: `5.1.1 <${EMAIL}>: Recipient address rejected: mailbox unavailable` } });
    const { log, text } = capturingLog(false);
    const app = await startTestApp({ log, env: { PREX_SMTP_URL: smtp.url, PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      const widget = await openWidget(app);
      const res = await widget.call('POST', ROUTES.emailCodeStart, { email: EMAIL, purpose: 'verify' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(text()).toMatch(/email not sent .*\[EMAIL\]/);
      expect(text()).not.toContain(EMAIL);
    } finally {
      await app.close();
      await smtp.close();
    }
  });
});

describe('logs with prompt logging on (PREX_LOG_PROMPTS)', () => {
  it('hold the question and the answer with emails and phone numbers redacted', async () => {
    const { log, text } = capturingLog(true);
    const app = await startTestApp({ log, env: { PREX_OUTBOX_DIR: outbox, PREX_LOG_PROMPTS: 'true' } });
    try {
      const { answer, code } = await chatAndVerifyEmail(app, text);
      const logged = text();
      expect(logged).toContain('question');
      expect(logged).toContain('How do I get a refund for order zebraquartz? Call me on [PHONE] or write to [EMAIL]');
      expect(logged).toContain(answer.slice(0, 30));
      // The operator asked for content: the outbox subject, with its code, is there; the address is not.
      expect(logged).toContain(code);
      expect(logged).not.toContain(EMAIL);
      expect(logged).not.toContain(PHONE);
    } finally {
      await app.close();
    }
  });
});

describe('createLogger', () => {
  it('drops prompt lines unless prompt logging is on, and keeps server addresses readable', () => {
    const off = capturingLog(false);
    off.log.prompt('question', { text: 'hello' });
    off.log.warn('postgres idle client error', { error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(off.text()).toBe('[prex] warn postgres idle client error error=connect ECONNREFUSED 127.0.0.1:5432\n');
    const on = capturingLog(true);
    on.log.prompt('question', { text: 'from 192.168.1.20, card 4111 1111 1111 1111' });
    expect(on.text()).toBe('[prex] info question text=from [IP], card [CARD]\n');
  });
});

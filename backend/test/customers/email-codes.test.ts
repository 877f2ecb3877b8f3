import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { SEND_LIMITS } from '../../src/customers/send-limits.js';
import { readJson } from '../helpers/app.js';
import { openMemoryDb } from '../helpers/db.js';
import { adminCall, codeIn, openWidget, requestCode, startCustomersApp, verifyEmail } from '../helpers/customers.js';

type Started = Awaited<ReturnType<typeof startCustomersApp>>;
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('email one-time codes over HTTP, delivered through real SMTP', () => {
  // One database; a fresh tenant (and SMTP server) per test, so send limits of one test never reach another.
  let db: Db;
  let t: Started;
  beforeAll(async () => {
    db = await openMemoryDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    t = await startCustomersApp({ db });
  });
  afterEach(() => t.close());

  it('sends a 6-digit code by mail and verifies the session with it', async () => {
    const w = await openWidget(t.app);
    const start = await w.call('POST', ROUTES.emailCodeStart, { email: '  Happy@Example.COM ' });
    expect(start.status).toBe(202);
    expect(await readJson(start)).toEqual({ sent: true, expiresInSeconds: 600 });
    const mail = await t.smtp.waitFor((m) => m.to.includes('happy@example.com'));
    const code = codeIn(mail.text);
    const verify = await w.call('POST', ROUTES.emailCodeVerify, { email: 'happy@example.com', code });
    expect(verify.status).toBe(200);
    const body = await readJson(verify);
    expect(body).toMatchObject({ level: 'email', customer: { email: 'happy@example.com', emailVerified: true }, conversations: [] });
    expect(await readJson(await w.call('GET', ROUTES.customerMe))).toMatchObject({ level: 'email', customer: { id: body.customer.id } });
  });

  it('refuses malformed emails and codes with a 400 naming the field', async () => {
    const w = await openWidget(t.app);
    for (const email of ['not-an-email', '', 'a@', `${'x'.repeat(250)}@example.com`, 42]) {
      const res = await w.call('POST', ROUTES.emailCodeStart, { email });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/email/);
    }
    for (const code of ['12345', 'abcdef', '1234567', 123456]) {
      const res = await w.call('POST', ROUTES.emailCodeVerify, { email: 'ok@example.com', code });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/code/);
    }
    const noBody = await w.call('POST', ROUTES.emailCodeStart);
    expect(noBody.status).toBe(400);
  });

  it('counts down wrong codes, burns the code at the fifth, and a burnt code no longer verifies', async () => {
    const w = await openWidget(t.app);
    const code = await requestCode(w, t.smtp, 'wrong@example.com');
    const seen: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await w.call('POST', ROUTES.emailCodeVerify, { email: 'wrong@example.com', code: wrongOf(code) });
      expect(res.status).toBe(400);
      const { error } = await readJson(res);
      expect(error.code).toBe('invalid_code');
      seen.push(error.attemptsLeft);
    }
    expect(seen).toEqual([4, 3, 2, 1, undefined]);
    const late = await w.call('POST', ROUTES.emailCodeVerify, { email: 'wrong@example.com', code });
    expect(late.status).toBe(400);
    expect((await readJson(await w.call('GET', ROUTES.customerMe))).level).toBe('anonymous');
  });

  it('refuses a replayed code', async () => {
    const w = await openWidget(t.app);
    const code = await requestCode(w, t.smtp, 'replay@example.com');
    expect((await w.call('POST', ROUTES.emailCodeVerify, { email: 'replay@example.com', code })).status).toBe(200);
    const again = await w.call('POST', ROUTES.emailCodeVerify, { email: 'replay@example.com', code });
    expect(again.status).toBe(400);
    expect((await readJson(again)).error.code).toBe('invalid_code');
  });

  it('a second send replaces the first code', async () => {
    const w = await openWidget(t.app);
    const first = await requestCode(w, t.smtp, 'twice@example.com');
    const second = await requestCode(w, t.smtp, 'twice@example.com');
    if (first !== second) {
      expect((await w.call('POST', ROUTES.emailCodeVerify, { email: 'twice@example.com', code: first })).status).toBe(400);
    }
    expect((await w.call('POST', ROUTES.emailCodeVerify, { email: 'twice@example.com', code: second })).status).toBe(200);
  });

  it("refuses another tenant's code, and another session's code", async () => {
    const other = await startCustomersApp({ db: t.app.db });
    try {
      const theirs = await openWidget(other.app);
      const code = await requestCode(theirs, other.smtp, 'shared@example.com');
      const ours = await openWidget(t.app);
      const res = await ours.call('POST', ROUTES.emailCodeVerify, { email: 'shared@example.com', code });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.code).toBe('invalid_code');
      const sameTenantOtherSession = await openWidget(other.app);
      expect((await sameTenantOtherSession.call('POST', ROUTES.emailCodeVerify, { email: 'shared@example.com', code })).status).toBe(400);
      // Neither attempt burnt the code for the session that asked for it.
      expect((await theirs.call('POST', ROUTES.emailCodeVerify, { email: 'shared@example.com', code })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('does not reveal whether an email is known: same status, body and mail either way', async () => {
    const known = await openWidget(t.app);
    await verifyEmail(known, t.smtp, 'known@example.com');
    const probe = await openWidget(t.app);
    const responses = [];
    for (const email of ['known@example.com', 'unknown@example.com']) {
      const before = t.smtp.messages.length;
      const res = await probe.call('POST', ROUTES.emailCodeStart, { email });
      responses.push({ status: res.status, body: await res.text(), type: res.headers.get('content-type') });
      await t.smtp.waitFor((m) => t.smtp.messages.indexOf(m) >= before && m.to.includes(email));
    }
    expect(responses[0]).toEqual(responses[1]);
  });

  it('limits sends per email with 429, and a flooded email never blocks another', async () => {
    const w = await openWidget(t.app);
    for (let i = 0; i < SEND_LIMITS.perEmail; i++) await requestCode(w, t.smtp, 'flood@example.com');
    const limited = await w.call('POST', ROUTES.emailCodeStart, { email: 'flood@example.com' });
    expect(limited.status).toBe(429);
    expect((await readJson(limited)).error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/this email/) });
    // Another customer is not affected at all:
    const other = await openWidget(t.app);
    const code = await requestCode(other, t.smtp, 'bystander@example.com');
    expect((await other.call('POST', ROUTES.emailCodeVerify, { email: 'bystander@example.com', code })).status).toBe(200);
    const counts = await readJson(await adminCall(t.app, 'GET', '/v1/admin/auth-events'));
    expect(counts.counts.otp_send_limited).toBeGreaterThanOrEqual(1);
  });

  it('limits sends per IP with 429 across different emails', async () => {
    const w = await openWidget(t.app);
    const statuses = [];
    for (let i = 0; i <= SEND_LIMITS.perIp; i++) {
      const res = await w.call('POST', ROUTES.emailCodeStart, { email: `ip${i}@example.com` });
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses).toEqual([...Array(SEND_LIMITS.perIp).fill(202), 429]);
  });

  it('export and delete codes go only to the email the session verified', async () => {
    const anon = await openWidget(t.app);
    const refused = await anon.call('POST', ROUTES.emailCodeStart, { email: 'someone@example.com', purpose: 'export' });
    expect(refused.status).toBe(403);
    expect((await readJson(refused)).error.code).toBe('verification_required');
    const verified = await openWidget(t.app);
    await verifyEmail(verified, t.smtp, 'owner@example.com');
    expect((await verified.call('POST', ROUTES.emailCodeStart, { email: 'victim@example.com', purpose: 'delete' })).status).toBe(403);
    expect((await verified.call('POST', ROUTES.emailCodeStart, { email: 'owner@example.com', purpose: 'delete' })).status).toBe(202);
  });

  it('a verify code cannot be used for export', async () => {
    const w = await openWidget(t.app);
    await verifyEmail(w, t.smtp, 'purpose@example.com');
    const verifyCode = await requestCode(w, t.smtp, 'purpose@example.com', 'verify');
    const res = await w.call('POST', ROUTES.customerExport, { code: verifyCode });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.code).toBe('invalid_code');
  });
});

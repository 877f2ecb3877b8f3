import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PHONE_CODE_ROUTES, ROUTES, SMS_ROUTES } from '@prex/protocol';
import { startTwilioServer, type RunningTwilioServer } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { SEND_LIMITS } from '../../src/customers/send-limits.js';
import { findInboxConversation } from '../../src/conversations/inbox-read-model.js';
import { readJson } from '../helpers/app.js';
import { openMemoryDb } from '../helpers/db.js';
import { adminCall, openWidget, startCustomersApp, verifyEmail, type Widget } from '../helpers/customers.js';
import { eventually } from '../helpers/eventually.js';
import { messageSid, postInbound, postStatus, type TwilioAccount } from '../helpers/sms.js';

/**
 * Phone verification by SMS, end to end: the real server, the real `twilio` client sending to the
 * loopback Twilio server, codes read from the text messages as a customer reads them.
 */

type Started = Awaited<ReturnType<typeof startCustomersApp>> & { account: TwilioAccount };
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const A: TwilioAccount = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'c'.repeat(32), phoneNumber: '+14155550300' };
const B: TwilioAccount = { accountSid: `AC${'d4'.repeat(16)}`, authToken: 'd'.repeat(32), phoneNumber: '+14155550400' };

let twilioApi: RunningTwilioServer;
let db: Db;
let t: Started;
let phoneSeq = 0;
/** A fresh customer phone per test: send limits of one test never reach another. */
const freshPhone = () => `+1415556${String(1000 + (phoneSeq += 1)).padStart(4, '0')}`;

let tenantSeq = 0;
/** A fresh tenant (its own SMS number: a number belongs to one tenant) on the shared database. */
async function startWithSms(base: TwilioAccount | null): Promise<Started> {
  const started = await startCustomersApp({ db, env: { PREX_TWILIO_API_BASE_URL: twilioApi.url } });
  const account = { ...(base ?? A), phoneNumber: `+1415557${String(1000 + (tenantSeq += 1)).padStart(4, '0')}` };
  if (base) {
    const put = await adminCall(started.app, 'PUT', SMS_ROUTES.settings, account);
    expect(put.status).toBe(200);
  }
  return { ...started, account };
}

/** Asks for a code by SMS and returns it as read from the text message Twilio was given. */
async function textedCode(w: Widget, phone: string): Promise<string> {
  const before = twilioApi.messages.length;
  const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone });
  if (res.status !== 202) throw new Error(`start → ${res.status} ${await res.text()}`);
  const sms = await eventually(async () => twilioApi.messages.slice(before).find((m) => m.to === phone));
  const match = /\b([0-9]{6})\b/.exec(sms.body);
  if (!match) throw new Error(`no 6-digit code in the text: ${sms.body}`);
  return match[1]!;
}

beforeAll(async () => {
  twilioApi = await startTwilioServer({ accounts: { [A.accountSid]: A.authToken, [B.accountSid]: B.authToken } });
  db = await openMemoryDb();
});
afterAll(async () => {
  await db.close();
  await twilioApi.close();
});

describe('phone one-time codes by SMS', () => {
  beforeEach(async () => {
    t = await startWithSms(A);
  });
  afterEach(() => t.close());

  it("texts a 6-digit code from the tenant's number and verifies the phone onto a new customer", async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    const start = await w.call('POST', PHONE_CODE_ROUTES.start, { phone: ` ${phone} ` });
    expect(start.status).toBe(202);
    expect(await readJson(start)).toEqual({ sent: true, expiresInSeconds: 600 });
    const sms = await eventually(async () => twilioApi.messages.find((m) => m.to === phone));
    expect(sms).toMatchObject({ from: t.account.phoneNumber, accountSid: A.accountSid });
    const code = /\b([0-9]{6})\b/.exec(sms.body)![1]!;

    const verify = await w.call('POST', PHONE_CODE_ROUTES.verify, { phone, code });
    expect(verify.status).toBe(200);
    const body = await readJson(verify);
    expect(body).toMatchObject({ level: 'phone', customer: { phone, email: null }, conversations: [] });
    expect(await readJson(await w.call('GET', ROUTES.customerMe))).toMatchObject({ level: 'phone', customer: { id: body.customer.id, phone } });
  });

  it("tells the account panel whether the site can verify a phone (it has an SMS number)", async () => {
    const w = await openWidget(t.app);
    expect(await readJson(await w.call('GET', ROUTES.customerMe))).toMatchObject({ phoneVerification: true });
    const none = await startWithSms(null);
    try {
      expect(await readJson(await (await openWidget(none.app)).call('GET', ROUTES.customerMe))).toMatchObject({ phoneVerification: false });
    } finally {
      await none.close();
    }
  });

  it('stores the code only as a hash', async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    const code = await textedCode(w, phone);
    const rows = await db.query<Record<string, unknown>>('select * from phone_codes where tenant_id = $1 and phone = $2', [t.app.tenant.id, phone]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("records the code's text as an SMS delivery of that code, which Twilio's status callbacks move forward", async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    await textedCode(w, phone);
    const sms = twilioApi.messages.filter((m) => m.to === phone).at(-1)!;
    const delivery = async () =>
      (
        await db.query<{ status: string; phone_code_id: string | null; sms_message_id: string | null; notice_id: string | null; error_code: number | null }>(
          'select d.status, d.phone_code_id, d.sms_message_id, d.notice_id, d.error_code from sms_deliveries d where d.tenant_id = $1 and d.message_sid = $2',
          [t.app.tenant.id, sms.sid],
        )
      )[0];
    const [code] = await db.query<{ id: string }>('select id from phone_codes where tenant_id = $1 and phone = $2 and consumed_at is null', [t.app.tenant.id, phone]);
    expect(await delivery()).toEqual({ status: 'queued', phone_code_id: code!.id, sms_message_id: null, notice_id: null, error_code: null });

    expect((await postStatus(t.app.url, t.app.tenant.id, t.account, { MessageSid: sms.sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(204);
    expect(await delivery()).toMatchObject({ status: 'undelivered', error_code: 30003 });
    // Another tenant's callback (signed with its own account) does not touch this tenant's row.
    const other = await startWithSms(B);
    try {
      expect((await postStatus(other.app.url, other.app.tenant.id, other.account, { MessageSid: sms.sid, MessageStatus: 'delivered' })).status).toBe(204);
      expect(await delivery()).toMatchObject({ status: 'undelivered' });
    } finally {
      await other.close();
    }
  });

  it('adds the phone to an email-verified customer, who stays at the email level', async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    const byEmail = await verifyEmail(w, t.smtp, 'texter@example.com');
    const code = await textedCode(w, phone);
    const body = await readJson(await w.call('POST', PHONE_CODE_ROUTES.verify, { phone, code }));
    expect(body).toMatchObject({ level: 'email', customer: { id: byEmail.customer.id, email: 'texter@example.com', phone } });
    // Another visitor proving the same phone joins the same customer (as with an email).
    const other = await openWidget(t.app);
    const again = await readJson(await other.call('POST', PHONE_CODE_ROUTES.verify, { phone, code: await textedCode(other, phone) }));
    expect(again).toMatchObject({ level: 'phone', customer: { id: byEmail.customer.id } });
  });

  it('refuses to give a phone another customer holds to a customer who has one (409), never merging', async () => {
    const phone = freshPhone();
    const first = await openWidget(t.app);
    await first.call('POST', PHONE_CODE_ROUTES.verify, { phone, code: await textedCode(first, phone) });
    const second = await openWidget(t.app);
    await verifyEmail(second, t.smtp, 'someone-else@example.com');
    const res = await second.call('POST', PHONE_CODE_ROUTES.verify, { phone, code: await textedCode(second, phone) });
    expect(res.status).toBe(409);
    expect((await readJson(res)).error.code).toBe('conflict');
  });

  it('links the SMS conversation of the phone to the customer, before and after verification', async () => {
    const early = freshPhone();
    expect((await postInbound(t.app.url, t.app.tenant.id, t.account, { MessageSid: messageSid(), From: early, Body: 'Hello from my phone' })).status).toBe(200);
    const w = await openWidget(t.app);
    const { customer } = await readJson(await w.call('POST', PHONE_CODE_ROUTES.verify, { phone: early, code: await textedCode(w, early) }));
    const card = async () => readJson(await adminCall(t.app, 'GET', `/v1/admin/customers/${customer.id}`));
    const smsSession = async (phone: string) =>
      (await db.query<{ session_id: string }>('select session_id from sms_conversations where tenant_id = $1 and phone = $2', [t.app.tenant.id, phone]))[0]?.session_id;
    const earlySession = await smsSession(early);
    expect((await card()).conversations.map((c: { sessionId: string }) => c.sessionId)).toContain(earlySession);
    // The console's inbox shows the SMS conversation with the customer's card.
    const inInbox = await findInboxConversation(db, { tenantId: t.app.tenant.id, reader: 'stf_nobody' }, earlySession!);
    expect(inInbox).toMatchObject({ channel: 'sms', customer: { id: customer.id, phone: early } });

    // A phone verified before it ever texted: its first SMS joins the customer's conversations.
    const late = freshPhone();
    const v = await openWidget(t.app);
    const lateCustomer = (await readJson(await v.call('POST', PHONE_CODE_ROUTES.verify, { phone: late, code: await textedCode(v, late) }))).customer;
    expect((await postInbound(t.app.url, t.app.tenant.id, t.account, { MessageSid: messageSid(), From: late, Body: 'Now texting' })).status).toBe(200);
    const lateSession = await eventually(() => smsSession(late));
    const lateCard = await readJson(await adminCall(t.app, 'GET', `/v1/admin/customers/${lateCustomer.id}`));
    expect(lateCard.conversations.map((c: { sessionId: string }) => c.sessionId)).toContain(lateSession);
    expect(lateCard.customer).toMatchObject({ phone: late });
  });

  it('refuses malformed phones and codes with a 400 naming the field', async () => {
    const w = await openWidget(t.app);
    for (const phone of ['415 555 0100', '14155550100', '+1', '', 42, `+${'1'.repeat(20)}`]) {
      const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/phone/);
    }
    for (const code of ['12345', 'abcdef', 123456]) {
      const res = await w.call('POST', PHONE_CODE_ROUTES.verify, { phone: freshPhone(), code });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.message).toMatch(/code/);
    }
  });

  it('counts down wrong codes, burns the code at the fifth, and a burnt code no longer verifies', async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    const code = await textedCode(w, phone);
    const seen: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await w.call('POST', PHONE_CODE_ROUTES.verify, { phone, code: wrongOf(code) });
      expect(res.status).toBe(400);
      const { error } = await readJson(res);
      expect(error.code).toBe('invalid_code');
      seen.push(error.attemptsLeft);
    }
    expect(seen).toEqual([4, 3, 2, 1, undefined]);
    expect((await w.call('POST', PHONE_CODE_ROUTES.verify, { phone, code })).status).toBe(400);
    expect((await readJson(await w.call('GET', ROUTES.customerMe))).level).toBe('anonymous');
  });

  it('refuses an expired code', async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    const code = await textedCode(w, phone);
    // Ten minutes pass (the code's expiry, moved instead of waited for).
    await db.query(`update phone_codes set expires_at = now() - interval '1 second' where tenant_id = $1 and phone = $2`, [t.app.tenant.id, phone]);
    const res = await w.call('POST', PHONE_CODE_ROUTES.verify, { phone, code });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error).toMatchObject({ code: 'invalid_code', message: expect.stringMatching(/expired/) });
  });

  it('limits sends per phone, and per network across phones, with 429', async () => {
    const phone = freshPhone();
    const w = await openWidget(t.app);
    for (let i = 0; i < SEND_LIMITS.perEmail; i++) await textedCode(w, phone);
    const limited = await w.call('POST', PHONE_CODE_ROUTES.start, { phone });
    expect(limited.status).toBe(429);
    expect((await readJson(limited)).error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/this phone number/) });
    const statuses: number[] = [];
    // The same client keeps asking for other numbers until the per-IP limit (its codes so far count).
    for (let i = SEND_LIMITS.perEmail; i <= SEND_LIMITS.perIp; i++) {
      const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone: freshPhone() });
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 202)).toBe(true);
  });

  it("refuses a manager's number and a number that texted STOP with a 409", async () => {
    const manager = freshPhone();
    expect((await adminCall(t.app, 'PUT', SMS_ROUTES.settings, { ...t.account, managerNumbers: [manager] })).status).toBe(200);
    const w = await openWidget(t.app);
    const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone: manager });
    expect(res.status).toBe(409);
    expect((await readJson(res)).error.message).toMatch(/site's own numbers/);

    const stopped = freshPhone();
    expect((await postInbound(t.app.url, t.app.tenant.id, t.account, { MessageSid: messageSid(), From: stopped, Body: 'STOP' })).status).toBe(200);
    const refused = await w.call('POST', PHONE_CODE_ROUTES.start, { phone: stopped });
    expect(refused.status).toBe(409);
    expect((await readJson(refused)).error.message).toMatch(/opted out/);
  });

  it('answers 502 sms_unavailable when Twilio refuses the message', async () => {
    const phone = freshPhone();
    twilioApi.blocked.add(phone);
    const w = await openWidget(t.app);
    const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone });
    expect(res.status).toBe(502);
    expect((await readJson(res)).error.code).toBe('sms_unavailable');
  });
});

describe('phone codes across tenants', () => {
  it("refuses another tenant's code, and another session's, without burning it", async () => {
    const a = await startWithSms(A);
    const b = await startWithSms(B);
    try {
      const phone = freshPhone();
      const theirs = await openWidget(a.app);
      const code = await textedCode(theirs, phone);
      const ours = await openWidget(b.app);
      const res = await ours.call('POST', PHONE_CODE_ROUTES.verify, { phone, code });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.code).toBe('invalid_code');
      const sameTenantOtherSession = await openWidget(a.app);
      expect((await sameTenantOtherSession.call('POST', PHONE_CODE_ROUTES.verify, { phone, code })).status).toBe(400);
      expect((await theirs.call('POST', PHONE_CODE_ROUTES.verify, { phone, code })).status).toBe(200);
      // Tenant B knows no customer with that phone.
      const bCustomers = await db.query('select id from customers where tenant_id = $1 and phone = $2', [b.app.tenant.id, phone]);
      expect(bCustomers).toHaveLength(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers 409 when the tenant has no SMS number configured, and texts nothing', async () => {
    const none = await startWithSms(null);
    try {
      const phone = freshPhone();
      const w = await openWidget(none.app);
      const res = await w.call('POST', PHONE_CODE_ROUTES.start, { phone });
      expect(res.status).toBe(409);
      expect((await readJson(res)).error.message).toMatch(/no SMS number configured/);
      expect(twilioApi.messages.some((m) => m.to === phone)).toBe(false);
      const rows = await db.query('select id from phone_codes where tenant_id = $1', [none.app.tenant.id]);
      expect(rows).toHaveLength(0);
    } finally {
      await none.close();
    }
  });
});

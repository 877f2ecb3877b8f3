import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, SMS_ROUTES, type AdminConversationResponse, type SmsSettingsResponse } from '@prex/protocol';
import { startOpenAICompatibleServer, startTwilioServer, type OpenAICompatibleServer, type RunningTwilioServer, type SentSms } from '@prex/testing';
import { HANDOVER_TEXT } from '../../src/chat/handover.js';
import { listNoticesOfSession } from '../../src/sms/notices.js';
import { listSmsLog } from '../../src/sms/repository.js';
import { rotateSecretKey } from '../../src/tenants/repository.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { modelEnv, newVisitor, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { eventually } from '../helpers/eventually.js';
import { adminFetch, messageSid, postInbound, postStatus, type TwilioAccount } from '../helpers/sms.js';

/**
 * Managers on SMS and Twilio's status callbacks, end to end: the real server behind a public URL
 * (as behind a proxy: Twilio signs that URL), the real `twilio` client sending to the loopback
 * Twilio server, and every webhook request signed as Twilio signs it.
 */

const PUBLIC_URL = 'https://support.example.test';
const A: TwilioAccount = { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'a'.repeat(32), phoneNumber: '+14155550100' };
const B: TwilioAccount = { accountSid: `AC${'b2'.repeat(16)}`, authToken: 'b'.repeat(32), phoneNumber: '+14155550200' };
const MANAGER_1 = '+14155559001';
const MANAGER_2 = '+14155559002';
const MANAGER_B = '+14155559101';

let provider: OpenAICompatibleServer;
let twilioApi: RunningTwilioServer;
let t: ChatTestServer;
const keys: Record<string, string> = {};
let tenantB: string;
let publishableKeyB: string;

const admin = (tenantId: string, path: string, init: { method?: string; body?: unknown } = {}) => adminFetch(t.url, keys[tenantId]!, path, init);

const inbound = (tenantId: string, account: TwilioAccount, from: string, body: string, sid = messageSid()) =>
  postInbound(t.url, tenantId, account, { MessageSid: sid, From: from, Body: body }, { publicUrl: PUBLIC_URL });
const status = (tenantId: string, account: TwilioAccount, fields: Record<string, string>, signWith?: string | null) =>
  postStatus(t.url, tenantId, account, fields, { publicUrl: PUBLIC_URL, ...(signWith !== undefined ? { signWith } : {}) });

const smsTo = (phone: string): SentSms[] => twilioApi.messages.filter((m) => m.to === phone);
const waitForSmsTo = (phone: string, count: number) => eventually(async () => smsTo(phone).length >= count && smsTo(phone));

async function sessionOf(tenantId: string, phone: string): Promise<string | undefined> {
  const rows = await t.server.db.query<{ session_id: string }>('select session_id from sms_conversations where tenant_id = $1 and phone = $2', [tenantId, phone]);
  return rows[0]?.session_id;
}

async function conversation(tenantId: string, sessionId: string): Promise<AdminConversationResponse> {
  return readJson<AdminConversationResponse>(await admin(tenantId, `/v1/admin/conversations/${sessionId}`));
}

async function deliveryOf(tenantId: string, sid: string): Promise<{ status: string; error_code: number | null } | undefined> {
  const rows = await t.server.db.query<{ status: string; error_code: number | null }>('select status, error_code from sms_deliveries where tenant_id = $1 and message_sid = $2', [tenantId, sid]);
  return rows[0];
}

/** An SMS customer asks for a person; resolves with their session once the handover text reached them. */
async function smsHandoff(phone: string, question = 'I want to talk to a human'): Promise<string> {
  await inbound(t.tenantId, A, phone, question);
  const [handover] = await waitForSmsTo(phone, 1);
  expect(handover!.body).toBe(HANDOVER_TEXT);
  return (await sessionOf(t.tenantId, phone))!;
}

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  twilioApi = await startTwilioServer({ accounts: { [A.accountSid]: A.authToken, [B.accountSid]: B.authToken } });
  t = await startChatTestServer(modelEnv(provider, { PREX_TWILIO_API_BASE_URL: twilioApi.url, PREX_PUBLIC_URL: PUBLIC_URL }));
  keys[t.tenantId] = await rotateSecretKey(t.server.db, t.tenantId, 3600);
  const other = await makeTenant(t.server.db, 'Other shop');
  tenantB = other.tenant.id;
  keys[tenantB] = other.secretKey;
  publishableKeyB = other.tenant.publishableKey;
  const putA = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, managerNumbers: [MANAGER_1, MANAGER_2] } });
  expect(putA.status).toBe(200);
  expect((await admin(tenantB, SMS_ROUTES.settings, { method: 'PUT', body: { ...B, managerNumbers: [MANAGER_B] } })).status).toBe(200);
});

afterAll(async () => {
  await t?.close();
  await twilioApi?.close();
  await provider?.close();
});

describe('manager numbers (admin settings)', () => {
  it('are kept with the settings, shown apart from any customer, and kept by a PUT that leaves them out', async () => {
    const body = await readJson<SmsSettingsResponse>(await admin(t.tenantId, SMS_ROUTES.settings));
    expect(body.managerNumbers).toEqual([MANAGER_1, MANAGER_2]);
    const again = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, authToken: undefined } });
    expect((await readJson<SmsSettingsResponse>(again)).managerNumbers).toEqual([MANAGER_1, MANAGER_2]);
    // Another tenant's settings show its own managers only.
    expect((await readJson<SmsSettingsResponse>(await admin(tenantB, SMS_ROUTES.settings))).managerNumbers).toEqual([MANAGER_B]);
  });

  it('refuses numbers not in E.164, repeated, too many, or the SMS number itself, naming the field', async () => {
    const put = (managerNumbers: unknown) => admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, managerNumbers } });
    const notE164 = await put([MANAGER_1, '415 555 9003']);
    expect(notE164.status).toBe(400);
    expect((await readJson(notE164)).error.issues[0].path).toBe('managerNumbers.1');
    const twice = await put([MANAGER_1, MANAGER_1]);
    expect(twice.status).toBe(400);
    expect((await readJson(twice)).error.message).toContain('twice');
    const tooMany = await put(Array.from({ length: 11 }, (_, i) => `+1415555${String(9100 + i)}`));
    expect(tooMany.status).toBe(400);
    expect((await readJson(tooMany)).error.message).toContain('at most 10');
    const itself = await put([MANAGER_1, A.phoneNumber]);
    expect(itself.status).toBe(400);
    expect((await readJson(itself)).error.issues[0].path).toBe('managerNumbers.1');
    expect((await readJson<SmsSettingsResponse>(await admin(t.tenantId, SMS_ROUTES.settings))).managerNumbers).toEqual([MANAGER_1, MANAGER_2]);
  });

  it("refuses a customer's number as a manager's (409): the two never mix", async () => {
    const customer = '+14155552001';
    provider.respondWith({ text: 'Hello!' });
    await inbound(t.tenantId, A, customer, 'Hello');
    await waitForSmsTo(customer, 1);
    const mixed = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, managerNumbers: [MANAGER_1, customer] } });
    expect(mixed.status).toBe(409);
    const error = (await readJson(mixed)).error;
    expect(error.message).toContain('customer');
    expect(error.issues[0].path).toBe('managerNumbers.1');
    expect((await readJson<SmsSettingsResponse>(await admin(t.tenantId, SMS_ROUTES.settings))).managerNumbers).toEqual([MANAGER_1, MANAGER_2]);
  });

  it("keeps managers' names by number, drops the name of a number taken off, and refuses a name for a number that is no manager's", async () => {
    const put = (body: Record<string, unknown>) => admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, ...body } });
    try {
      const named = await put({ managerNumbers: [MANAGER_1, MANAGER_2], managerNames: { [MANAGER_1]: '  Sam  ', [MANAGER_2]: 'Dana' } });
      expect((await readJson<SmsSettingsResponse>(named)).managerNames).toEqual({ [MANAGER_1]: 'Sam', [MANAGER_2]: 'Dana' });
      // Left out: kept; a number taken off the list loses its name.
      expect((await readJson<SmsSettingsResponse>(await put({}))).managerNames).toEqual({ [MANAGER_1]: 'Sam', [MANAGER_2]: 'Dana' });
      expect((await readJson<SmsSettingsResponse>(await put({ managerNumbers: [MANAGER_2] }))).managerNames).toEqual({ [MANAGER_2]: 'Dana' });
      const stranger = await put({ managerNumbers: [MANAGER_2], managerNames: { [MANAGER_1]: 'Sam' } });
      expect(stranger.status).toBe(400);
      expect((await readJson(stranger)).error.issues[0]).toMatchObject({ path: `managerNames.${MANAGER_1}`, message: expect.stringContaining('managerNumbers') });
      const blank = await put({ managerNumbers: [MANAGER_2], managerNames: { [MANAGER_2]: '   ' } });
      expect(blank.status).toBe(400);
      // Another tenant's settings show no names of this one.
      expect((await readJson<SmsSettingsResponse>(await admin(tenantB, SMS_ROUTES.settings))).managerNames).toEqual({});
    } finally {
      await put({ managerNumbers: [MANAGER_1, MANAGER_2], managerNames: {} });
    }
  });
});

describe('a handoff, told to the managers by SMS', () => {
  it('sends each manager a notice with the question and the console link; a reply reaches the SMS customer as a staff message', async () => {
    const customer = '+14155552002';
    const sessionId = await smsHandoff(customer, 'I want to talk to a human about my broken parcel');
    const [notice1] = await waitForSmsTo(MANAGER_1, 1);
    const [notice2] = await waitForSmsTo(MANAGER_2, 1);
    for (const notice of [notice1!, notice2!]) {
      expect(notice.from).toBe(A.phoneNumber);
      expect(notice.body).toContain('"I want to talk to a human about my broken parcel"');
      expect(notice.body).toContain(`${PUBLIC_URL}/console/inbox/${sessionId}`);
      expect(notice.statusCallback).toBe(`${PUBLIC_URL}/v1/channels/twilio/${t.tenantId}/status`);
    }
    expect(notice1!.body).toBe(notice2!.body);
    const [first] = await listNoticesOfSession(t.server.db, t.tenantId, sessionId);
    expect(notice1!.body).toContain(`#${first!.code}`);

    // The manager answers; a delivery Twilio retries is posted once.
    const callsBefore = provider.completionRequests.length;
    const sid = messageSid();
    expect((await inbound(t.tenantId, A, MANAGER_1, 'A new parcel leaves today, sorry!', sid)).status).toBe(200);
    expect((await inbound(t.tenantId, A, MANAGER_1, 'A new parcel leaves today, sorry!', sid)).status).toBe(200);
    const [, relayed] = await waitForSmsTo(customer, 2);
    expect(relayed!.body).toBe('A new parcel leaves today, sorry!');
    const stored = await conversation(t.tenantId, sessionId);
    const staff = stored.messages.filter((m) => m.author === 'human');
    expect(staff.map((m) => [m.text, m.authorName])).toEqual([['A new parcel leaves today, sorry!', 'Manager']]);
    // The manager's number got no bot answer and no conversation of its own.
    expect(provider.completionRequests.length).toBe(callsBefore);
    expect(await sessionOf(t.tenantId, MANAGER_1)).toBeUndefined();
    expect(smsTo(customer)).toHaveLength(2);
    expect(smsTo(MANAGER_1)).toHaveLength(1);
  });

  it('notices a widget handoff too; "#CODE" answers an older notice, no code the newest', async () => {
    const customer = '+14155552003';
    const smsSession = await smsHandoff(customer);
    await waitForSmsTo(MANAGER_1, 2);
    const smsCode = (await listNoticesOfSession(t.server.db, t.tenantId, smsSession))[0]!.code;

    const visitor = await newVisitor({ url: t.url, publishableKey: t.publishableKey });
    const handoff = await fetch(`${t.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: '{}' });
    expect(handoff.status).toBe(201);
    const notices = await waitForSmsTo(MANAGER_1, 3);
    expect(notices[2]!.body).toContain(`${PUBLIC_URL}/console/inbox/${visitor.sessionId}`);

    await inbound(t.tenantId, A, MANAGER_1, `#${smsCode.toLowerCase()} Checking your order now.`);
    await inbound(t.tenantId, A, MANAGER_2, 'Hello from the team, how can I help?');
    const [, toCustomer] = await waitForSmsTo(customer, 2);
    expect(toCustomer!.body).toBe('Checking your order now.');
    const widget = await eventually(async () => {
      const c = await conversation(t.tenantId, visitor.sessionId);
      return c.messages.some((m) => m.author === 'human') && c;
    });
    expect(widget.messages.filter((m) => m.author === 'human').map((m) => m.text)).toEqual(['Hello from the team, how can I help?']);
    expect((await conversation(t.tenantId, smsSession)).messages.filter((m) => m.author === 'human').map((m) => m.text)).toEqual(['Checking your order now.']);
  });

  it('tells a manager when a reply matches no notice, and never passes a keyword on to a customer', async () => {
    expect((await inbound(t.tenantId, A, MANAGER_2, '#ZZZZ are you there?')).status).toBe(200);
    await eventually(async () => smsTo(MANAGER_2).some((m) => m.body.includes('No handoff #ZZZZ was sent to this number')));
    const staffMessages = async () =>
      (await t.server.db.query<{ n: number }>(`select count(*)::int as n from messages where tenant_id = $1 and author = 'human'`, [t.tenantId]))[0]!.n;
    const before = await staffMessages();
    // A manager's message is handled before the webhook answers: once it has, nothing more will come of it.
    expect((await inbound(t.tenantId, A, MANAGER_2, 'STOP')).status).toBe(200);
    expect(await staffMessages()).toBe(before);
    expect(await sessionOf(t.tenantId, MANAGER_2)).toBeUndefined();
  });

  it("keeps tenants apart: one tenant's manager is another's customer, and notices go to the tenant's own managers", async () => {
    // A's manager texting B's number is B's customer, answered by B's bot.
    provider.respondWith({ text: 'Hello from shop B.' });
    const beforeB = smsTo(MANAGER_1).length;
    await inbound(tenantB, B, MANAGER_1, 'Do you ship abroad?');
    const [answer] = (await waitForSmsTo(MANAGER_1, beforeB + 1)).slice(beforeB);
    expect(answer).toMatchObject({ from: B.phoneNumber, body: 'Hello from shop B.' });
    expect(await sessionOf(tenantB, MANAGER_1)).toBeDefined();

    // A handoff in B's widget reaches B's manager only, from B's number.
    const countsA = [smsTo(MANAGER_1).length, smsTo(MANAGER_2).length];
    const visitor = await newVisitor({ url: t.url, publishableKey: publishableKeyB });
    const handoff = await fetch(`${t.url}${ROUTES.handoff}`, { method: 'POST', headers: { ...visitor.headers, 'content-type': 'application/json' }, body: '{}' });
    expect(handoff.status).toBe(201);
    const [noticeB] = await waitForSmsTo(MANAGER_B, 1);
    expect(noticeB).toMatchObject({ from: B.phoneNumber, accountSid: B.accountSid });
    await t.server.handoffNoticesSettled();
    expect([smsTo(MANAGER_1).length, smsTo(MANAGER_2).length]).toEqual(countsA);

    // B's manager texting A's number is no manager of A: answered as A's customer, nothing posted in B's conversation.
    provider.respondWith({ text: 'Hello from shop A.' });
    await inbound(t.tenantId, A, MANAGER_B, 'Hi there');
    await eventually(async () => smsTo(MANAGER_B).some((m) => m.from === A.phoneNumber));
    expect((await conversation(tenantB, visitor.sessionId)).messages.filter((m) => m.author === 'human')).toEqual([]);
  });

  it("signs a manager's reply with the manager's name from the settings, else 'Manager'", async () => {
    const named = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, managerNumbers: [MANAGER_1, MANAGER_2], managerNames: { [MANAGER_2]: 'Dana' } } });
    expect(named.status).toBe(200);
    try {
      const customer = '+14155552004';
      const before = smsTo(MANAGER_2).length;
      const sessionId = await smsHandoff(customer);
      await waitForSmsTo(MANAGER_2, before + 1);
      await inbound(t.tenantId, A, MANAGER_2, 'Dana here: your parcel is on its way.');
      await waitForSmsTo(customer, 2);
      const staff = (await conversation(t.tenantId, sessionId)).messages.filter((m) => m.author === 'human');
      expect(staff.map((m) => [m.text, m.authorName])).toEqual([['Dana here: your parcel is on its way.', 'Dana']]);
    } finally {
      await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, managerNumbers: [MANAGER_1, MANAGER_2], managerNames: {} } });
    }
  });
});

describe("Twilio's status callbacks", () => {
  it('record the delivery status of each message sent, never moving a final status back', async () => {
    const customer = '+14155552010';
    provider.respondWith({ text: 'Refunds take 5-10 business days.' });
    await inbound(t.tenantId, A, customer, 'How long do refunds take?');
    const [sent] = await waitForSmsTo(customer, 1);
    expect(sent!.statusCallback).toBe(`${PUBLIC_URL}/v1/channels/twilio/${t.tenantId}/status`);
    expect(await eventually(() => deliveryOf(t.tenantId, sent!.sid))).toMatchObject({ status: 'queued' });

    const report = (MessageStatus: string, extra: Record<string, string> = {}) => status(t.tenantId, A, { MessageSid: sent!.sid, MessageStatus, To: customer, ...extra });
    expect((await report('sent')).status).toBe(204);
    expect((await report('delivered')).status).toBe(204);
    // Late and repeated callbacks: the final status stays.
    expect((await report('sent')).status).toBe(204);
    expect((await report('failed', { ErrorCode: '30008' })).status).toBe(204);
    expect((await report('delivered')).status).toBe(204);
    expect(await deliveryOf(t.tenantId, sent!.sid)).toEqual({ status: 'delivered', error_code: null });
    const sessionId = (await sessionOf(t.tenantId, customer))!;
    const outbound = (await listSmsLog(t.server.db, t.tenantId, sessionId)).find((e) => e.direction === 'outbound')!;
    expect(outbound.deliveries).toEqual([{ sid: sent!.sid, status: 'delivered', errorCode: null }]);
  });

  it("record an undelivered message's error code, for manager notices too", async () => {
    const customer = '+14155552011';
    const sessionId = await smsHandoff(customer);
    const notices = await eventually(async () => {
      const list = await listNoticesOfSession(t.server.db, t.tenantId, sessionId);
      return list.length === 2 && list.every((n) => n.status === 'sent') && list;
    });
    const sid = notices[0]!.outboundSids[0]!;
    expect((await status(t.tenantId, A, { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(204);
    expect(await deliveryOf(t.tenantId, sid)).toEqual({ status: 'undelivered', error_code: 30003 });
  });

  it('refuse a bad or missing signature with 403 and change nothing; an unknown MessageSid changes nothing', async () => {
    const customer = '+14155552012';
    provider.respondWith({ text: 'We ship worldwide.' });
    await inbound(t.tenantId, A, customer, 'Do you ship worldwide?');
    const [sent] = await waitForSmsTo(customer, 1);
    await eventually(() => deliveryOf(t.tenantId, sent!.sid));
    const forged = await status(t.tenantId, A, { MessageSid: sent!.sid, MessageStatus: 'failed' }, 'f'.repeat(32));
    expect(forged.status).toBe(403);
    expect((await readJson(forged)).error.code).toBe('invalid_signature');
    expect((await status(t.tenantId, A, { MessageSid: sent!.sid, MessageStatus: 'failed' }, null)).status).toBe(403);
    // Signed over the wrong URL (the request's own origin, not the public one Twilio calls).
    expect((await postStatus(t.url, t.tenantId, A, { MessageSid: sent!.sid, MessageStatus: 'failed' })).status).toBe(403);
    expect(await deliveryOf(t.tenantId, sent!.sid)).toMatchObject({ status: 'queued' });

    const unknownSid = `SM${'9'.repeat(32)}`;
    expect((await status(t.tenantId, A, { MessageSid: unknownSid, MessageStatus: 'delivered' })).status).toBe(204);
    expect(await deliveryOf(t.tenantId, unknownSid)).toBeUndefined();

    const badStatus = await status(t.tenantId, A, { MessageSid: sent!.sid, MessageStatus: 'teleported' });
    expect(badStatus.status).toBe(400);
    expect((await readJson(badStatus)).error.issues[0].path).toBe('MessageStatus');
  });

  it("keep tenants apart: B's callback cannot touch A's messages", async () => {
    const customer = '+14155552013';
    provider.respondWith({ text: 'Our shop opens at nine.' });
    await inbound(t.tenantId, A, customer, 'When do you open?');
    const [sent] = await waitForSmsTo(customer, 1);
    await eventually(() => deliveryOf(t.tenantId, sent!.sid));
    // Signed with B's token on A's webhook: refused.
    expect((await status(t.tenantId, B, { MessageSid: sent!.sid, MessageStatus: 'failed', AccountSid: A.accountSid })).status).toBe(403);
    // On B's own webhook, A's sid is unknown: nothing changes.
    expect((await status(tenantB, B, { MessageSid: sent!.sid, MessageStatus: 'failed' })).status).toBe(204);
    // Signed by A but naming B's account: refused.
    expect((await status(t.tenantId, A, { MessageSid: sent!.sid, MessageStatus: 'failed', AccountSid: B.accountSid })).status).toBe(403);
    expect(await deliveryOf(t.tenantId, sent!.sid)).toMatchObject({ status: 'queued' });
    expect(await deliveryOf(tenantB, sent!.sid)).toBeUndefined();
  });
});

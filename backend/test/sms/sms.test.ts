import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_ROUTES, type AdminConversationResponse, type SmsSettingsResponse } from '@prex/protocol';
import { startOpenAICompatibleServer, startTwilioServer, type OpenAICompatibleServer, type RunningTwilioServer, type SentSms } from '@prex/testing';
import { HANDOVER_TEXT } from '../../src/chat/handover.js';
import { createLogger } from '../../src/logger.js';
import { listSmsLog } from '../../src/sms/repository.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { modelEnv, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { eventually } from '../helpers/eventually.js';
import { adminFetch, messageSid, postInbound, type TwilioAccount } from '../helpers/sms.js';
import { REFUNDS } from '../fixtures/passages.js';
import { rotateSecretKey } from '../../src/tenants/repository.js';

/**
 * SMS through Twilio, end to end: the real server on loopback, the real `twilio` client sending to a
 * loopback server that speaks Twilio's Messages API, and webhook requests signed as Twilio signs them.
 */

const A: TwilioAccount = { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'a'.repeat(32), phoneNumber: '+14155550100' };
const B: TwilioAccount = { accountSid: `AC${'b2'.repeat(16)}`, authToken: 'b'.repeat(32), phoneNumber: '+14155550200' };

let provider: OpenAICompatibleServer;
let twilioApi: RunningTwilioServer;
let t: ChatTestServer;
const logLines: string[] = [];
const keys: Record<string, string> = {};
let tenantB: string;

const admin = (tenantId: string, path: string, init: { method?: string; body?: unknown } = {}) => adminFetch(t.url, keys[tenantId]!, path, init);

const inbound = (tenantId: string, account: TwilioAccount, from: string, body: string, sid = messageSid()) =>
  postInbound(t.url, tenantId, account, { MessageSid: sid, From: from, Body: body });

const smsTo = (phone: string): SentSms[] => twilioApi.messages.filter((m) => m.to === phone);
const waitForSmsTo = (phone: string, count: number) => eventually(async () => smsTo(phone).length >= count && smsTo(phone));

async function sessionOf(tenantId: string, phone: string): Promise<string | undefined> {
  const rows = await t.server.db.query<{ session_id: string }>('select session_id from sms_conversations where tenant_id = $1 and phone = $2', [tenantId, phone]);
  return rows[0]?.session_id;
}

beforeAll(async () => {
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  twilioApi = await startTwilioServer({ accounts: { [A.accountSid]: A.authToken, [B.accountSid]: B.authToken } });
  const log = createLogger('debug', (line) => void logLines.push(line), { prompts: true });
  t = await startChatTestServer(modelEnv(provider, { PREX_TWILIO_API_BASE_URL: twilioApi.url }), undefined, log);
  keys[t.tenantId] = await rotateSecretKey(t.server.db, t.tenantId, 3600);
  const other = await makeTenant(t.server.db, 'Other shop');
  tenantB = other.tenant.id;
  keys[tenantB] = other.secretKey;
  const put = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, keywordReplies: true } });
  expect(put.status).toBe(200);
  expect((await admin(tenantB, SMS_ROUTES.settings, { method: 'PUT', body: B })).status).toBe(200);
});

afterAll(async () => {
  await t?.close();
  await twilioApi?.close();
  await provider?.close();
});

describe('SMS settings (admin)', () => {
  it('keeps the auth token server-side: the API shows only its last four characters', async () => {
    const res = await admin(t.tenantId, SMS_ROUTES.settings);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(A.authToken);
    const body = JSON.parse(text) as SmsSettingsResponse;
    expect(body).toMatchObject({ accountSid: A.accountSid, phoneNumber: A.phoneNumber, authTokenHint: expect.stringMatching(/aaaa$/), webhookPath: `/v1/channels/twilio/${t.tenantId}/sms` });
  });

  it('refuses bad settings with a 400 naming the field, and another tenant\'s number with a 409', async () => {
    const bad = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, accountSid: 'AC123' } });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.issues[0].path).toBe('accountSid');
    const badPhone = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, phoneNumber: '415 555 0100' } });
    expect(badPhone.status).toBe(400);
    expect((await readJson(badPhone)).error.issues[0].path).toBe('phoneNumber');
    const taken = await admin(t.tenantId, SMS_ROUTES.settings, { method: 'PUT', body: { ...A, phoneNumber: B.phoneNumber } });
    expect(taken.status).toBe(409);
    const fresh = await makeTenant(t.server.db, 'Fresh');
    keys[fresh.tenant.id] = fresh.secretKey;
    const noToken = await admin(fresh.tenant.id, SMS_ROUTES.settings, { method: 'PUT', body: { accountSid: A.accountSid, phoneNumber: '+14155550999' } });
    expect(noToken.status).toBe(400);
    expect((await readJson(noToken)).error.message).toContain('authToken');
  });
});

describe('an incoming SMS', () => {
  it('is answered by SMS through the widget\'s pipeline, with its sources cited', async () => {
    const phone = '+14155551001';
    provider.respondWith({ text: 'Refunds go back to **your card** within 5-10 business days [1].' });
    const res = await inbound(t.tenantId, A, phone, 'How do I get a refund?');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toContain('<Response>');

    const [sms] = await waitForSmsTo(phone, 1);
    expect(sms).toMatchObject({ from: A.phoneNumber, accountSid: A.accountSid });
    expect(sms!.body).toContain('Refunds go back to your card within 5-10 business days [1].');
    expect(sms!.body).toContain(`[1] ${REFUNDS.title} ${REFUNDS.url}`);

    // The conversation is an ordinary one: staff see the question and the answer.
    const sessionId = (await sessionOf(t.tenantId, phone))!;
    const conversation = await readJson<AdminConversationResponse>(await admin(t.tenantId, `/v1/admin/conversations/${sessionId}`));
    expect(conversation.messages.map((m) => [m.role, m.author])).toEqual([['user', 'bot'], ['assistant', 'bot']]);
    expect(conversation.messages[0]!.text).toBe('How do I get a refund?');
    const log = await eventually(async () => {
      const entries = await listSmsLog(t.server.db, t.tenantId, sessionId);
      return entries.some((e) => e.direction === 'outbound' && e.status === 'sent') && entries;
    });
    expect(log.find((e) => e.direction === 'outbound')!.outboundSids).toEqual([sms!.sid]);
  });

  it('splits an answer longer than one Twilio message at sentence boundaries', async () => {
    const phone = '+14155551002';
    const sentence = 'Refunds are processed by our billing team every working day without exception. ';
    provider.respondWith({ text: sentence.repeat(30).trim() });
    await inbound(t.tenantId, A, phone, 'Tell me everything about refunds');
    const parts = await waitForSmsTo(phone, 2);
    for (const part of parts) {
      expect([...part.body].length).toBeLessThanOrEqual(1600);
      expect(part.body.endsWith('.') || part.body.includes('[1]')).toBe(true);
    }
    expect(twilioApi.refusals.filter((r) => r.code === 21617)).toEqual([]);
  });

  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const phone = '+14155551003';
    const forged = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'hi' }, { signWith: 'f'.repeat(32) });
    expect(forged.status).toBe(403);
    expect((await readJson(forged)).error.code).toBe('invalid_signature');
    const unsigned = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'hi' }, { signWith: null });
    expect(unsigned.status).toBe(403);
    expect(await sessionOf(t.tenantId, phone)).toBeUndefined();
  });

  it('answers a delivery Twilio retries (same MessageSid) once', async () => {
    const phone = '+14155551004';
    provider.respondWith({ text: 'You can reset it from the sign-in page.' });
    const sid = messageSid();
    const callsBefore = provider.completionRequests.length;
    expect((await inbound(t.tenantId, A, phone, 'How do I reset my password?', sid)).status).toBe(200);
    expect((await inbound(t.tenantId, A, phone, 'How do I reset my password?', sid)).status).toBe(200);
    await waitForSmsTo(phone, 1);
    // A later message of the same phone is answered after anything queued before it.
    expect((await inbound(t.tenantId, A, phone, 'Thanks, and refunds?')).status).toBe(200);
    await waitForSmsTo(phone, 2);
    expect(smsTo(phone)).toHaveLength(2);
    expect(provider.completionRequests.length - callsBefore).toBe(2);
    const sessionId = (await sessionOf(t.tenantId, phone))!;
    const conversation = await readJson<AdminConversationResponse>(await admin(t.tenantId, `/v1/admin/conversations/${sessionId}`));
    expect(conversation.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['How do I reset my password?', 'Thanks, and refunds?']);
  });

  it('obeys STOP, HELP and START: nothing is sent after STOP until START', async () => {
    const phone = '+14155551005';
    provider.respondWith({ text: 'Refunds take 5-10 business days [1].' });
    await inbound(t.tenantId, A, phone, 'STOP');
    const [stopped] = await waitForSmsTo(phone, 1);
    expect(stopped!.body).toContain('unsubscribed');
    const callsBefore = provider.completionRequests.length;
    await inbound(t.tenantId, A, phone, 'How long do refunds take?');
    const sessionId = (await sessionOf(t.tenantId, phone))!;
    await eventually(async () => (await listSmsLog(t.server.db, t.tenantId, sessionId)).some((e) => e.status === 'opted_out'));
    // Staff replies are not sent to a number that opted out either.
    const reply = await admin(t.tenantId, `/v1/admin/conversations/${sessionId}/replies`, { method: 'POST', body: { text: 'We saw your question.' } });
    expect(reply.status).toBe(201);
    await inbound(t.tenantId, A, phone, ' help ');
    await inbound(t.tenantId, A, phone, 'start');
    await inbound(t.tenantId, A, phone, 'How do I get a refund?');
    const all = await waitForSmsTo(phone, 4);
    expect(all.map((m) => m.body)).toEqual([
      expect.stringContaining('unsubscribed'),
      expect.stringContaining('Reply STOP to opt out'),
      expect.stringContaining('subscribed again'),
      expect.stringContaining('Refunds take 5-10 business days [1].'),
    ]);
    expect(provider.completionRequests.length - callsBefore).toBe(1);
    expect(smsTo(phone)).toHaveLength(4);
  });

  it('stays silent while a person has the conversation, and sends staff replies to the phone', async () => {
    const phone = '+14155551006';
    await inbound(t.tenantId, A, phone, 'I want to talk to a human');
    const [handover] = await waitForSmsTo(phone, 1);
    expect(handover!.body).toBe(HANDOVER_TEXT);
    const sessionId = (await sessionOf(t.tenantId, phone))!;
    const escalations = await readJson<AdminConversationResponse>(await admin(t.tenantId, `/v1/admin/conversations/${sessionId}`));
    expect(escalations.escalations.map((e) => e.status)).toEqual(['open']);

    const callsBefore = provider.completionRequests.length;
    await inbound(t.tenantId, A, phone, 'My parcel arrived broken');
    await eventually(async () => (await listSmsLog(t.server.db, t.tenantId, sessionId)).some((e) => e.status === 'to_staff'));
    expect(provider.completionRequests.length).toBe(callsBefore);

    const reply = await admin(t.tenantId, `/v1/admin/conversations/${sessionId}/replies`, { method: 'POST', body: { text: 'Sorry about that! A **new parcel** leaves today.' } });
    expect(reply.status).toBe(201);
    const [, staffSms] = await waitForSmsTo(phone, 2);
    expect(staffSms!.body).toBe('Sorry about that! A new parcel leaves today.');
    expect(smsTo(phone)).toHaveLength(2);
    const conversation = await readJson<AdminConversationResponse>(await admin(t.tenantId, `/v1/admin/conversations/${sessionId}`));
    expect(conversation.messages.map((m) => m.text)).toContain('My parcel arrived broken');
  });

  it('keeps tenants apart: a webhook for one tenant cannot write into another', async () => {
    const phone = '+14155551007';
    // B's credentials on A's webhook: the signature does not verify under A's token.
    const crossSigned = await inbound(t.tenantId, B, phone, 'hello');
    expect(crossSigned.status).toBe(403);
    // Signed by A but naming B's account, or B's number: refused.
    const otherAccount = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'hi', AccountSid: B.accountSid });
    expect(otherAccount.status).toBe(403);
    const otherNumber = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'hi', To: B.phoneNumber });
    expect(otherNumber.status).toBe(400);
    expect(await sessionOf(t.tenantId, phone)).toBeUndefined();
    expect(await sessionOf(tenantB, phone)).toBeUndefined();

    // The same phone texting both tenants has two conversations, each answered from its own number.
    provider.respondWith({ text: 'Hello from the shop.' });
    await inbound(tenantB, B, phone, 'Hello B');
    await inbound(t.tenantId, A, phone, 'Hello A');
    const both = await waitForSmsTo(phone, 2);
    expect(new Set(both.map((m) => `${m.accountSid} ${m.from}`))).toEqual(new Set([`${A.accountSid} ${A.phoneNumber}`, `${B.accountSid} ${B.phoneNumber}`]));
    const [sessionA, sessionB] = [await sessionOf(t.tenantId, phone), await sessionOf(tenantB, phone)];
    expect(sessionA && sessionB && sessionA !== sessionB).toBe(true);
    // B's staff cannot read A's SMS conversation.
    expect((await admin(tenantB, `/v1/admin/conversations/${sessionA}`)).status).toBe(404);
  });

  it('refuses bad input with a 4xx saying what is wrong', async () => {
    const phone = '+14155551008';
    const noFrom = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), Body: 'hi' });
    expect(noFrom.status).toBe(400);
    expect((await readJson(noFrom)).error.issues[0].path).toBe('From');
    const notE164 = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: '4155551008', Body: 'hi' });
    expect(notE164.status).toBe(400);
    expect((await readJson(notE164)).error.message).toContain('E.164');
    const badSid = await postInbound(t.url, t.tenantId, A, { MessageSid: 'nope', From: phone, Body: 'hi' });
    expect(badSid.status).toBe(400);
    const json = await postInbound(t.url, t.tenantId, A, {}, { raw: { body: JSON.stringify({ From: phone }), contentType: 'application/json' } });
    expect(json.status).toBe(400);
    expect((await readJson(json)).error.message).toContain('form body');
    const huge = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    const tooLong = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'x'.repeat(1601) });
    expect(tooLong.status).toBe(400);
    const nul = await postInbound(t.url, t.tenantId, A, { MessageSid: messageSid(), From: phone, Body: 'a\u0000b' });
    expect(nul.status).toBe(400);
    const unknownTenant = await inbound('ten_doesnotexist', A, phone, 'hi');
    expect(unknownTenant.status).toBe(404);
    expect(await sessionOf(t.tenantId, phone)).toBeUndefined();
  });
});

describe('the log', () => {
  it('never holds a phone number', async () => {
    await t.server.handoffNoticesSettled();
    const all = logLines.join('');
    // Not vacuous: the webhook requests and the questions (PREX_LOG_PROMPTS on) were logged.
    expect(all).toContain('/v1/channels/twilio/');
    expect(all).toContain('question');
    for (const phone of [A.phoneNumber, B.phoneNumber, ...twilioApi.messages.map((m) => m.to)]) {
      expect(all).not.toContain(phone.slice(1));
      expect(all).not.toContain(phone.slice(-7));
    }
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_ROUTES, type SmsSettingsResponse } from '@prex/protocol';
import { startOpenAICompatibleServer, startTwilioServer, type OpenAICompatibleServer, type RunningTwilioServer } from '@prex/testing';
import { makeTenant, readJson } from '../helpers/app.js';
import { modelEnv, startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { eventually } from '../helpers/eventually.js';
import { adminFetch, messageSid, postInbound, type TwilioAccount } from '../helpers/sms.js';

/**
 * A tenant's Twilio auth token at rest: sealed under PREX_SECRETS_KEY (the database row holds no
 * token), or kept out of the database as a reference to a server variable. Either way Prex still
 * checks Twilio's signatures and sends through the real twilio client; a server with another key
 * says the token cannot be read (503) rather than failing signatures or answering 500.
 */

const A: TwilioAccount = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'c'.repeat(32), phoneNumber: '+14155550300' };
const B: TwilioAccount = { accountSid: `AC${'d4'.repeat(16)}`, authToken: 'd'.repeat(32), phoneNumber: '+14155550400' };
const REFERENCE = 'env:PREX_TWILIO_TOKEN_SHOP_B';
const KEY = randomBytes(32).toString('base64');

let provider: OpenAICompatibleServer;
let twilioApi: RunningTwilioServer;
let t: ChatTestServer;
let tenantA: string;
let secretA: string;
let tenantB: string;
let secretB: string;

const storedToken = async (tenantId: string) =>
  (await t.server.db.query<{ auth_token: string }>('select auth_token from sms_settings where tenant_id = $1', [tenantId]))[0]?.auth_token;

beforeAll(async () => {
  process.env.PREX_TWILIO_TOKEN_SHOP_B = B.authToken;
  provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
  twilioApi = await startTwilioServer({ accounts: { [A.accountSid]: A.authToken, [B.accountSid]: B.authToken } });
  t = await startChatTestServer(modelEnv(provider, { PREX_TWILIO_API_BASE_URL: twilioApi.url, PREX_SECRETS_KEY: KEY }));
  const a = await makeTenant(t.server.db, 'Sealed shop');
  tenantA = a.tenant.id;
  secretA = a.secretKey;
  const b = await makeTenant(t.server.db, 'Referenced shop');
  tenantB = b.tenant.id;
  secretB = b.secretKey;
  expect((await adminFetch(t.url, secretA, SMS_ROUTES.settings, { method: 'PUT', body: A })).status).toBe(200);
  expect((await adminFetch(t.url, secretB, SMS_ROUTES.settings, { method: 'PUT', body: { ...B, authToken: REFERENCE } })).status).toBe(200);
});

afterAll(async () => {
  delete process.env.PREX_TWILIO_TOKEN_SHOP_B;
  await t?.close();
  await twilioApi?.close();
  await provider?.close();
});

describe('a sealed token', { timeout: 120_000 }, () => {
  it('is not in the database, and the API shows only its last four characters', async () => {
    const stored = await storedToken(tenantA);
    expect(stored).toMatch(/^sealed:v1:/);
    expect(stored).not.toContain(A.authToken);
    const body = await readJson<SmsSettingsResponse>(await adminFetch(t.url, secretA, SMS_ROUTES.settings));
    expect(body.authTokenHint).toMatch(/cccc$/);
  });

  it('still checks Twilio’s signature and answers by SMS through the twilio client', async () => {
    const from = '+15555550301';
    const forged = await postInbound(t.url, tenantA, A, { MessageSid: messageSid(), From: from, Body: 'How do I get a refund?' }, { signWith: 'e'.repeat(32) });
    expect(forged.status).toBe(403);
    const res = await postInbound(t.url, tenantA, A, { MessageSid: messageSid(), From: from, Body: 'How do I get a refund?' });
    expect(res.status).toBe(200);
    await eventually(async () => twilioApi.messages.some((m) => m.to === from));
  });

  it('on a server with another key: a 503 that says why, and a hint that says it cannot be read', async () => {
    const other = await startChatTestServer(modelEnv(provider, { PREX_TWILIO_API_BASE_URL: twilioApi.url, PREX_SECRETS_KEY: randomBytes(32).toString('hex') }), t.server.db);
    try {
      const res = await postInbound(other.url, tenantA, A, { MessageSid: messageSid(), From: '+15555550302', Body: 'hello' });
      expect(res.status).toBe(503);
      expect((await readJson(res)).error.message).toMatch(/sealed with another PREX_SECRETS_KEY/);
      const body = await readJson<SmsSettingsResponse>(await adminFetch(other.url, secretA, SMS_ROUTES.settings));
      expect(body.authTokenHint).toMatch(/unreadable/);
    } finally {
      await other.close();
    }
  });
});

describe('a token kept in the server’s environment', { timeout: 120_000 }, () => {
  it('is stored as the reference only, shown as such, and used for signatures and sending', async () => {
    expect(await storedToken(tenantB)).toBe(REFERENCE);
    const body = await readJson<SmsSettingsResponse>(await adminFetch(t.url, secretB, SMS_ROUTES.settings));
    expect(body.authTokenHint).toBe(REFERENCE);
    const from = '+15555550401';
    const res = await postInbound(t.url, tenantB, B, { MessageSid: messageSid(), From: from, Body: 'How do I get a refund?' });
    expect(res.status).toBe(200);
    await eventually(async () => twilioApi.messages.some((m) => m.to === from));
  });

  it('must name a PREX_TWILIO_TOKEN_ variable that the server has', async () => {
    const unset = await adminFetch(t.url, secretB, SMS_ROUTES.settings, { method: 'PUT', body: { ...B, authToken: 'env:PREX_TWILIO_TOKEN_NOPE' } });
    expect(unset.status).toBe(400);
    expect((await readJson(unset)).error.message).toContain('PREX_TWILIO_TOKEN_NOPE is not set');
    // The server's own secrets are not a tenant's to name.
    const foreign = await adminFetch(t.url, secretB, SMS_ROUTES.settings, { method: 'PUT', body: { ...B, authToken: 'env:OPENAI_API_KEY' } });
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(await readJson(foreign))).toContain('env:PREX_TWILIO_TOKEN_');
    expect(await storedToken(tenantB)).toBe(REFERENCE);
  });
});

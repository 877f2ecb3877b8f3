import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_API_ROUTES,
  CHANNEL_API_TOKEN,
  STAFF_ROUTES,
  channelEscalateResponseSchema,
  channelMessageResponseSchema,
  channelRepliesResponseSchema,
  channelSecretResponseSchema,
  channelValidateResponseSchema,
  type ChannelMessageResponse,
} from '@prex/protocol';
import { makeTenant, readJson } from '../helpers/app.js';
import { startChatTestServer, type ChatTestServer } from '../helpers/chat.js';
import { rowOf, inbox } from '../helpers/inbox.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';
import { REFUNDS } from '../fixtures/passages.js';
import { rotateSecretKey } from '../../src/tenants/repository.js';
import { HANDOVER_TEXT } from '../../src/chat/handover.js';

/**
 * The channels API end to end: the real server on loopback answering extractively (no model), and
 * tokens signed with `jose` exactly as a tenant's gateway server would sign them.
 */

let t: ChatTestServer;
let tenantB: string;
const secretKeys: Record<string, string> = {};
const channelSecrets: Record<string, string> = {};
let ownerA: StaffBrowser;
let ownerB: StaffBrowser;

interface TokenOptions {
  iss?: string | null;
  aud?: string | null;
  /** Seconds from now. */
  iat?: number | null;
  exp?: number | null;
  nbf?: number;
  alg?: 'HS256' | 'HS512';
}

/** What a gateway's server does before each call: a JWT signed with the tenant's channel secret. */
async function gatewayToken(tenantId: string, secret: string, o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (o.iss !== null) claims.iss = o.iss ?? tenantId;
  if (o.aud !== null) claims.aud = o.aud ?? CHANNEL_API_TOKEN.audience;
  if (o.iat !== null) claims.iat = now + (o.iat ?? 0);
  if (o.exp !== null) claims.exp = now + (o.exp ?? 300);
  if (o.nbf !== undefined) claims.nbf = now + o.nbf;
  return new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'HS256' }).sign(new TextEncoder().encode(secret));
}

async function call(path: string, body: unknown, token: string | undefined): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function asGateway(tenantId: string, path: string, body: unknown, o: TokenOptions = {}): Promise<Response> {
  return call(path, body, await gatewayToken(tenantId, channelSecrets[tenantId]!, o));
}

async function message(tenantId: string, conversationKey: string, text: string): Promise<ChannelMessageResponse> {
  const res = await asGateway(tenantId, CHANNEL_API_ROUTES.message, { conversationKey, text });
  if (res.status !== 200) throw new Error(`message → ${res.status} ${await res.text()}`);
  return channelMessageResponseSchema.parse(await readJson(res));
}

async function newChannelSecret(tenantId: string): Promise<string> {
  const res = await fetch(`${t.url}${CHANNEL_API_ROUTES.rotateSecret}`, { method: 'POST', headers: { authorization: `Bearer ${secretKeys[tenantId]}` } });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = channelSecretResponseSchema.parse(await readJson(res));
  expect(body).toMatchObject({ issuer: tenantId, audience: CHANNEL_API_TOKEN.audience });
  return body.channelSecret;
}

beforeAll(async () => {
  t = await startChatTestServer();
  secretKeys[t.tenantId] = await rotateSecretKey(t.server.db, t.tenantId, 3600);
  const other = await makeTenant(t.server.db, 'Other shop');
  tenantB = other.tenant.id;
  secretKeys[tenantB] = other.secretKey;
  channelSecrets[t.tenantId] = await newChannelSecret(t.tenantId);
  channelSecrets[tenantB] = await newChannelSecret(tenantB);
  ownerA = await signedInStaff(t.url, t.server.db, t.tenantId, 'owner@gateway-a.example', 'owner');
  ownerB = await signedInStaff(t.url, t.server.db, tenantB, 'owner@gateway-b.example', 'owner');
});

afterAll(async () => {
  await t?.close();
});

describe('a gateway user’s message', () => {
  it('is answered by the tenant’s agent with its sources, and the conversation is in the staff inbox as an api one', async () => {
    const reply = await message(t.tenantId, '+14155552001', 'How do I get a refund?');
    expect(reply.handedOver).toBe(false);
    expect(reply.answer!.text).toMatch(/refund/i);
    expect(reply.answer!.plainText).not.toContain('**');
    expect(reply.answer!.citations).toContainEqual({ title: REFUNDS.title, url: REFUNDS.url });

    const row = await rowOf(ownerA, reply.conversationId);
    expect(row).toMatchObject({ channel: 'api' });
    const onlyApi = await inbox(ownerA, '?channel=api&limit=200');
    expect(onlyApi.conversations.map((c) => c.sessionId)).toContain(reply.conversationId);
    const onlyWidget = await inbox(ownerA, '?channel=widget&limit=200');
    expect(onlyWidget.conversations.map((c) => c.sessionId)).not.toContain(reply.conversationId);
  });

  it('continues the same conversation for the same key', async () => {
    const first = await message(t.tenantId, 'user-42', 'How do I get a refund?');
    const second = await message(t.tenantId, 'user-42', 'How long does shipping take?');
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.answer!.citations.map((c) => c.title)).toContain('Shipping');
  });

  it('refuses bad input with a 400 naming the field, and an oversized body with a 413', async () => {
    const badKey = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'a b<script>', text: 'hi' });
    expect(badKey.status).toBe(400);
    expect((await readJson(badKey)).error.issues[0].path).toBe('conversationKey');
    const empty = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'k1', text: '   ' });
    expect(empty.status).toBe(400);
    expect((await readJson(empty)).error.issues[0].path).toBe('text');
    const extra = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'k1', text: 'hi', tenantId: tenantB });
    expect(extra.status).toBe(400);
    const tooLong = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'k1', text: 'x'.repeat(4001) });
    expect(tooLong.status).toBe(400);
    const huge = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'k1', text: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    const unknownAgent = await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'k1', text: 'hi', agent: 'nobody' });
    expect(unknownAgent.status).toBe(404);
  });
});

describe('the gateway’s token', () => {
  const refusal = async (res: Response) => {
    expect(res.status).toBe(401);
    const body = await readJson(res);
    expect(body.error.code).toBe('unauthorized');
    return body.error.message as string;
  };
  const body = { conversationKey: 'token-tests', text: 'How do I get a refund?' };

  it('is required', async () => {
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, undefined))).toContain('Authorization');
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, 'not-a-jwt'))).toContain('not a valid JWT');
  });

  it('is refused when expired, not yet valid, for another audience, without exp, or living too long', async () => {
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { iat: -400, exp: -120 }))).toContain('expired');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { nbf: 120 }))).toContain('not valid yet');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { aud: 'someone-else' }))).toContain('aud');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { aud: null }))).toContain('aud');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { exp: null }))).toContain('exp is missing');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { iat: null }))).toContain('iat is missing');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { exp: 3600 }))).toContain('longer than 10 minutes');
    expect(await refusal(await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, body, { alg: 'HS512' }))).toContain('HS256');
  });

  it('is refused with a bad signature, or when it names a tenant whose secret did not sign it', async () => {
    const forged = await gatewayToken(t.tenantId, `chs_${'f'.repeat(43)}`);
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, forged))).toContain('signature');
    // Tenant B's gateway claims to be tenant A: A's secret does not verify it.
    const claimsA = await gatewayToken(tenantB, channelSecrets[tenantB]!, { iss: t.tenantId });
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, claimsA))).toContain('signature');
    const noIss = await gatewayToken(t.tenantId, channelSecrets[t.tenantId]!, { iss: null });
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, noIss))).toContain('iss is missing');
    const unknown = await gatewayToken('ten_nobody', channelSecrets[t.tenantId]!);
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, body, unknown))).toContain('no tenant');
    // No conversation was made by any refused call.
    const rows = await t.server.db.query('select 1 from api_conversations where conversation_key = $1', ['token-tests']);
    expect(rows).toEqual([]);
  });

  it('stops verifying once the secret is rotated; the new secret works at once', async () => {
    const before = await gatewayToken(t.tenantId, channelSecrets[t.tenantId]!);
    expect((await call(CHANNEL_API_ROUTES.message, { conversationKey: 'rotation', text: 'How do I get a refund?' }, before)).status).toBe(200);
    // The owner rotates it from the console: the new secret is shown once.
    const res = await ownerA.call('POST', CHANNEL_API_ROUTES.staffRotateSecret);
    expect(res.status).toBe(201);
    channelSecrets[t.tenantId] = channelSecretResponseSchema.parse(await readJson(res)).channelSecret;
    expect(await refusal(await call(CHANNEL_API_ROUTES.message, { conversationKey: 'rotation', text: 'again' }, before))).toContain('signature');
    expect((await asGateway(t.tenantId, CHANNEL_API_ROUTES.message, { conversationKey: 'rotation', text: 'How do I get a refund?' })).status).toBe(200);
  });

  it('has its secret made by the owner alone, never shown to other staff', async () => {
    const admin = await signedInStaff(t.url, t.server.db, t.tenantId, 'admin@gateway-a.example', 'admin');
    expect((await admin.call('POST', CHANNEL_API_ROUTES.staffRotateSecret)).status).toBe(403);
    const noKey = await fetch(`${t.url}${CHANNEL_API_ROUTES.rotateSecret}`, { method: 'POST' });
    expect(noKey.status).toBe(401);
  });
});

describe('escalate', () => {
  it('opens a handoff once; the next message gets no bot answer and reaches the staff inbox', async () => {
    const key = '+14155552002';
    const first = await message(t.tenantId, key, 'How do I get a refund?');
    const opened = await asGateway(t.tenantId, CHANNEL_API_ROUTES.escalate, { conversationKey: key, reason: 'Caller pressed 0 for an operator' });
    expect(opened.status).toBe(201);
    const escalation = channelEscalateResponseSchema.parse(await readJson(opened));
    expect(escalation).toMatchObject({ conversationId: first.conversationId, created: true });
    const again = await asGateway(t.tenantId, CHANNEL_API_ROUTES.escalate, { conversationKey: key });
    expect(again.status).toBe(200);
    expect(channelEscalateResponseSchema.parse(await readJson(again))).toMatchObject({ escalationId: escalation.escalationId, created: false });

    const kept = await message(t.tenantId, key, 'Are you there? My order number is 1234');
    expect(kept).toMatchObject({ conversationId: first.conversationId, handedOver: true, answer: null });
    const row = await rowOf(ownerA, first.conversationId);
    expect(row).toMatchObject({ channel: 'api', status: 'open', lastMessage: { text: 'Are you there? My order number is 1234', from: 'visitor' } });
    expect(row!.unread).toBeGreaterThanOrEqual(2);

    // Staff answer in the console; the gateway collects the reply to deliver it, once.
    const path = STAFF_ROUTES.conversationReplies.replace(':sessionId', first.conversationId);
    expect((await ownerA.call('POST', path, { text: 'Hi, this is **Sam** from billing. Looking at order 1234 now.' })).status).toBe(201);
    const collected = await asGateway(t.tenantId, CHANNEL_API_ROUTES.replies, { conversationKey: key, after: kept.messageId });
    expect(collected.status).toBe(200);
    const { replies, handedOver } = channelRepliesResponseSchema.parse(await readJson(collected));
    expect(handedOver).toBe(true);
    expect(replies.map((r) => r.plainText)).toEqual(['Hi, this is Sam from billing. Looking at order 1234 now.']);
    const none = await asGateway(t.tenantId, CHANNEL_API_ROUTES.replies, { conversationKey: key, after: replies[0]!.messageId });
    expect(channelRepliesResponseSchema.parse(await readJson(none)).replies).toEqual([]);
    // Another tenant's gateway cannot read them, even with the same key.
    const fromB = await asGateway(tenantB, CHANNEL_API_ROUTES.replies, { conversationKey: key });
    expect(fromB.status).toBe(404);
    const unknownAfter = await asGateway(t.tenantId, CHANNEL_API_ROUTES.replies, { conversationKey: key, after: 'msg_unknown' });
    expect(unknownAfter.status).toBe(400);
  });

  it('follows the same escalation rules as the widget: asking for a person hands over', async () => {
    const reply = await message(t.tenantId, '+14155552003', 'I want to talk to a human please');
    expect(reply.handedOver).toBe(true);
    expect(reply.answer!.text).toBe(HANDOVER_TEXT);
    expect(await rowOf(ownerA, reply.conversationId)).toMatchObject({ status: 'open', channel: 'api' });
  });
});

describe('validate', () => {
  it('links the conversation to the customer the gateway vouches for', async () => {
    const key = '+14155552004';
    const res = await asGateway(t.tenantId, CHANNEL_API_ROUTES.validate, { conversationKey: key, userId: 'crm-778', email: 'Ada@Example.com', name: 'Ada' });
    expect(res.status).toBe(200);
    const linked = channelValidateResponseSchema.parse(await readJson(res));
    expect(linked.customer).toMatchObject({ userId: 'crm-778', email: 'ada@example.com', name: 'Ada' });
    const reply = await message(t.tenantId, key, 'How do I get a refund?');
    expect(reply.conversationId).toBe(linked.conversationId);
    expect(await rowOf(ownerA, linked.conversationId)).toMatchObject({ customer: { id: linked.customer.id, email: 'ada@example.com', name: 'Ada' } });
    // The same user again: the same customer. Another user on this conversation: refused, never merged.
    const same = await asGateway(t.tenantId, CHANNEL_API_ROUTES.validate, { conversationKey: key, userId: 'crm-778' });
    expect(channelValidateResponseSchema.parse(await readJson(same)).customer.id).toBe(linked.customer.id);
    const other = await asGateway(t.tenantId, CHANNEL_API_ROUTES.validate, { conversationKey: key, userId: 'crm-999' });
    expect(other.status).toBe(409);
  });

  it('refuses a malformed email with a 400', async () => {
    const res = await asGateway(t.tenantId, CHANNEL_API_ROUTES.validate, { conversationKey: 'v2', userId: 'u', email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.issues[0].path).toBe('email');
  });
});

describe('tenant isolation', () => {
  it('keeps each tenant’s conversations to itself, even under the same key', async () => {
    const key = '+14155552005';
    const a = await message(t.tenantId, key, 'How do I get a refund?');
    await asGateway(t.tenantId, CHANNEL_API_ROUTES.escalate, { conversationKey: key });
    const b = await message(tenantB, key, 'How do I get a refund?');
    expect(b.conversationId).not.toBe(a.conversationId);
    // A's handoff does not silence B's bot, and B's validate does not touch A's customer.
    expect(b.handedOver).toBe(false);
    const bLinked = await asGateway(tenantB, CHANNEL_API_ROUTES.validate, { conversationKey: key, userId: 'b-user' });
    expect(channelValidateResponseSchema.parse(await readJson(bLinked)).conversationId).toBe(b.conversationId);
    expect((await rowOf(ownerA, a.conversationId))!.customer).toBeNull();
    // Each tenant's staff see their own conversation only.
    expect(await rowOf(ownerB, a.conversationId)).toBeUndefined();
    expect(await rowOf(ownerA, b.conversationId)).toBeUndefined();
    expect(await rowOf(ownerB, b.conversationId)).toMatchObject({ channel: 'api' });
  });
});

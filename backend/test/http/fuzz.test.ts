import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as protocol from '@prex/protocol';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { ALLOWED_ORIGIN, createSessionOver, startTestApp, type TestApp } from '../helpers/app.js';
import { KB_DOCUMENTS } from '../helpers/chat.js';
import { fillPath, rawRequest, registeredRoutes, type RawRequest, type RegisteredRoute } from '../helpers/routes.js';
import { makeStaff, staffBrowser } from '../helpers/staff.js';
import { arbitraryFor, fuzzText, hostile, textUnit } from '../helpers/zod-arbitrary.js';

/**
 * Property: whatever a client sends — any route of the real app, method, path segments, query,
 * headers and body — the server answers within ANSWER_WITHIN_MS (the client aborts then: a hang is
 * a failure), and never with a 5xx. Bodies and queries are drawn from the wire contract's own
 * schemas (so many get past validation into the code behind it) or are anything at all.
 * Bounded: PREX_FUZZ_RUNS runs (200 by default); PREX_FUZZ_SEED replays a failure fast-check reported.
 * 3,000 runs passed before this was committed; its first finding was a hang (knowledge/chunker.ts).
 */

const RUNS = Number(process.env.PREX_FUZZ_RUNS ?? 200);
const SEED = process.env.PREX_FUZZ_SEED ? Number(process.env.PREX_FUZZ_SEED) : undefined;
/** A request without an answer by then is a hang, and a failure. */
const ANSWER_WITHIN_MS = 10_000;

/** What clients send: the contract's request, query and input schemas (not its responses or stream chunks). */
const INPUT_SCHEMAS = Object.entries(protocol)
  .filter(([name, value]) => value instanceof z.ZodType && /(Request|Query|Patch|Update|Input|Put|Batch|Override|Settings|Document)Schema$/.test(name))
  .map(([, value]) => value as z.ZodType);
const QUERY_SCHEMAS = Object.entries(protocol)
  .filter(([name, value]) => value instanceof z.ZodType && /QuerySchema$/.test(name))
  .map(([, value]) => value as z.ZodType);

/**
 * The schema each route reads its body or query with, so most cases aimed at a route are shaped for
 * it (the rest are shaped for some other route, or for none). A route missing here is still fuzzed
 * with the generic shapes; an entry naming a route that no longer exists fails the test.
 */
const BODY_OF: Record<string, z.ZodType> = {
  // The contract's schema accepts anything and sorts it out in a transform: the two shapes it accepts.
  'POST /v1/chat': z.union([
    z.object({ text: protocol.messageTextSchema, agent: z.literal('default').optional() }),
    z.object({ messages: z.array(z.object({ role: z.enum(['user', 'assistant']), parts: z.array(z.object({ type: z.literal('text'), text: protocol.messageTextSchema })) })) }),
  ]),
  'POST /v1/chat/:messageId/feedback': protocol.feedbackRequestSchema,
  'POST /v1/conversations/summaries': protocol.conversationSummariesRequestSchema,
  'POST /v1/conversations/current/email': protocol.emailConversationRequestSchema,
  'POST /v1/handoff': protocol.handoffRequestSchema,
  'POST /v1/handoff/:escalationId/confirm': protocol.handoffConfirmRequestSchema,
  'POST /v1/identity': protocol.identityRequestSchema,
  'POST /v1/identity/email/start': protocol.emailCodeStartRequestSchema,
  'POST /v1/identity/email/verify': protocol.emailCodeVerifyRequestSchema,
  'PATCH /v1/customers/me': protocol.customerPatchRequestSchema,
  'POST /v1/customers/me/export': protocol.dataRightsRequestSchema,
  'POST /v1/customers/me/delete': protocol.dataRightsRequestSchema,
  'POST /v1/admin/agents': protocol.createAgentRequestSchema,
  'PATCH /v1/admin/agents/:name': protocol.patchAgentRequestSchema,
  'POST /v1/admin/agents/import': protocol.agentsDocumentSchema,
  'PATCH /v1/admin/customers/:customerId': protocol.adminCustomerPatchRequestSchema,
  'PUT /v1/admin/customer-settings': protocol.customerSettingsSchema,
  'PUT /v1/admin/theme': protocol.adminThemeRequestSchema,
  'PATCH /v1/admin/tenant': protocol.tenantSettingsPatchSchema,
  'POST /v1/admin/products': z.array(protocol.productInputSchema),
  'PUT /v1/admin/products/:sku': protocol.productPutSchema,
  'POST /v1/admin/documents': protocol.documentUpsertRequestSchema,
  'PATCH /v1/admin/documents/*externalId': protocol.documentPatchRequestSchema,
  'POST /v1/admin/jobs': protocol.createJobRequestSchema,
  'PATCH /v1/admin/escalations/:escalationId': protocol.adminEscalationUpdateSchema,
  'POST /v1/admin/conversations/:sessionId/replies': protocol.staffReplyRequestSchema,
  'POST /v1/admin/conversations/:sessionId/typing': protocol.staffTypingRequestSchema,
  'PUT /v1/admin/messages/:messageId/good': protocol.markGoodRequestSchema,
  'POST /v1/staff/login': protocol.staffLoginRequestSchema,
  'POST /v1/staff/invites': protocol.staffInviteRequestSchema,
  'POST /v1/staff/invites/accept': protocol.staffAcceptInviteRequestSchema,
  'PATCH /v1/staff/escalations/:escalationId': protocol.adminEscalationUpdateSchema,
  'POST /v1/staff/conversations/:sessionId/replies': protocol.staffReplyRequestSchema,
  'POST /v1/staff/settings/origins': protocol.staffOriginRequestSchema,
  'PUT /v1/staff/settings/emails': protocol.staffSettingsEmailsSchema,
  'POST /v1/staff/settings/secret-key/rotate': protocol.staffRotateSecretKeyRequestSchema,
};
const QUERY_OF: Record<string, z.ZodType> = {
  'GET /v1/chat/:messageId/stream': protocol.resumeQuerySchema,
  'GET /v1/conversations/current/events': protocol.resumeQuerySchema,
  'GET /v1/admin/documents/search': protocol.adminSearchQuerySchema,
  'GET /v1/admin/exports/fine-tuning': protocol.fineTuningExportQuerySchema,
  'GET /v1/admin/usage': protocol.usageQuerySchema,
  'GET /v1/admin/analytics/labels': protocol.labelAnalyticsQuerySchema,
  'GET /v1/admin/email-events': protocol.emailEventsQuerySchema,
  'GET /v1/admin/products': protocol.productListQuerySchema,
  'GET /v1/admin/escalations': protocol.adminEscalationsQuerySchema,
  'GET /v1/staff/escalations': protocol.adminEscalationsQuerySchema,
  'DELETE /v1/admin/agents/:name': protocol.deleteAgentQuerySchema,
  'DELETE /v1/staff/settings/origins': protocol.staffOriginQuerySchema,
};

/** UTF-8 bytes, percent-encoded except unreserved characters (an unpaired surrogate becomes U+FFFD's bytes). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Header values node:http will send: tab, printable ASCII and Latin-1. */
const headerText = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** Path segments as sent on the wire: encoded text, ids that exist, and malformed encodings. */
function segmentArbitrary(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fuzzText(30).map(percentEncode) },
    { weight: 3, arbitrary: fc.constantFrom(...ids.map(encodeURIComponent)) },
    { weight: 2, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', 'a%00b', '%ED%A0%80', '%FF', '..', '%2e%2e', 'a%2Fb', '%25', '', 'x'.repeat(3000)) },
  );
}

const queryArbitrary = (paired: z.ZodType | undefined): fc.Arbitrary<string> => fc
  .oneof(
    ...(paired ? [{ weight: 6, arbitrary: arbitraryFor(paired) }] : []),
    { weight: 3, arbitrary: fc.oneof(...QUERY_SCHEMAS.map((s) => arbitraryFor(s))) },
    { weight: 1, arbitrary: fc.dictionary(fuzzText(10), fc.oneof(fuzzText(), fc.array(fuzzText(), { maxLength: 3 })), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )
  .map((value) => {
    if (!value || typeof value !== 'object') return '';
    const pairs = Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((item) => `${percentEncode(key)}=${percentEncode(typeof item === 'string' ? item : JSON.stringify(item) ?? '')}`),
    );
    return pairs.length > 0 ? `?${pairs.join('&')}` : '';
  });

const bodyArbitrary = (paired: z.ZodType | undefined): fc.Arbitrary<string | undefined> => fc.oneof(
  ...(paired ? [{ weight: 14, arbitrary: arbitraryFor(paired).map((v) => JSON.stringify(v) ?? 'null') }] : []),
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.oneof(...INPUT_SCHEMAS.map((s) => arbitraryFor(s))).map((v) => JSON.stringify(v) ?? 'null') },
  // Several schemas' fields in one object: a lenient schema finds its own among them.
  { weight: 2, arbitrary: fc.array(fc.oneof(...INPUT_SCHEMAS.map((s) => arbitraryFor(s))), { minLength: 2, maxLength: 5 }).map((vs) => JSON.stringify(Object.assign({}, ...vs.filter((v) => v && typeof v === 'object' && !Array.isArray(v))))) },
  { weight: 1, arbitrary: hostile.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ unit: textUnit, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/csv',
      'application/yaml',
      'text/plain',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'application/x-www-form-urlencoded',
      'garbage',
    ),
  },
);

/** `arbitrary`'s value in one case out of `every`, null otherwise. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

type Credentials = 'valid' | 'none' | 'garbage' | 'other kind';

interface FuzzCase {
  route: RegisteredRoute;
  method: string;
  path: string;
  credentials: Credentials;
  headers: Record<string, string>;
  body: string | undefined;
}

describe('fuzz: no request gets a 5xx or hangs', () => {
  let app: TestApp;
  let routes: RegisteredRoute[];
  const ids: string[] = ['default', 'refunds', 'probe'];
  let staffOwner: { email: string; password: string };

  beforeAll(async () => {
    // Behind one proxy hop: each case comes from its own (fuzzed) address, so wrong secret keys from
    // some cases do not lock the others out of the admin API (20 per address, secret-key.ts).
    app = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '1000000', PREX_EXTRACTIVE_DELAY_MS: '0', PREX_TRUST_PROXY_HOPS: '1' } });
    routes = registeredRoutes(app.app);
    for (const doc of KB_DOCUMENTS) await upsertDocument(app.db, app.tenant.id, doc);
    // Ids that exist, so some fuzzed requests reach the code behind a successful lookup.
    const session = await createSessionOver(app);
    const visitor = { 'x-prex-key': app.publishableKey, authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
    const chat = await app.request('/v1/chat', { method: 'POST', headers: visitor, body: JSON.stringify({ text: 'How do I get a refund?' }) });
    const stream = await chat.text();
    ids.push(session.sessionId, ...[...stream.matchAll(/"messageId":"([^"]+)"/g)].map((m) => m[1]!));
    const handoff = await app.request('/v1/handoff', { method: 'POST', headers: visitor, body: JSON.stringify({ reason: 'fuzz' }) });
    const escalation = JSON.stringify(await handoff.json()).match(/"(esc_[^"]+)"/);
    if (escalation) ids.push(escalation[1]!);
    const admin = { authorization: `Bearer ${app.secretKey}`, 'content-type': 'application/json' };
    await app.request('/v1/admin/products', { method: 'POST', headers: admin, body: JSON.stringify([{ sku: 'sku-1', name: 'Lamp', price: 10, currency: 'EUR' }]) });
    ids.push('sku-1');
    staffOwner = await makeStaff(app.db, app.tenant.id, 'fuzz.owner@example.com', 'owner');
  });
  afterAll(() => app?.close());

  /** A fresh session per case: a fuzzed request may delete the customer or end the session. */
  async function credentialHeaders(route: RegisteredRoute, kind: Credentials): Promise<Record<string, string>> {
    const admin = route.path.startsWith('/v1/admin');
    if (kind === 'none') return {};
    if (route.path.startsWith('/v1/staff/')) return staffCredentials(kind);
    if (kind === 'garbage') return admin ? { authorization: 'Bearer sk_garbage' } : { 'x-prex-key': 'pk_garbage_key', authorization: 'Bearer a.b.c' };
    const useAdmin = kind === 'valid' ? admin : !admin;
    if (useAdmin) return { authorization: `Bearer ${app.secretKey}` };
    const res = await app.request('/v1/sessions', { method: 'POST', key: true });
    const token = res.status === 201 ? ((await res.json()) as { token: string }).token : 'no-session';
    // No Origin: a fuzzed PATCH /v1/admin/tenant may change the allowed origins (a fuzzed Origin header is sent sometimes).
    return { 'x-prex-key': app.publishableKey, authorization: `Bearer ${token}` };
  }

  /** A fresh sign-in per case: a fuzzed request may sign out (everywhere). */
  async function staffCredentials(kind: Credentials): Promise<Record<string, string>> {
    if (kind === 'garbage') return { cookie: 'prex_staff=garbage', [protocol.STAFF_CSRF_HEADER]: 'garbage' };
    if (kind === 'other kind') return { authorization: `Bearer ${app.secretKey}` };
    const browser = staffBrowser(app.url);
    const res = await browser.login(staffOwner.email, staffOwner.password);
    if (res.status !== 200) return {};
    return { cookie: `prex_staff=${browser.cookie}`, [protocol.STAFF_CSRF_HEADER]: browser.csrfToken! };
  }

  function caseArbitrary(): fc.Arbitrary<FuzzCase> {
    return fc.constantFrom(...routes).chain((route) => caseFor(route));
  }

  function caseFor(route: RegisteredRoute): fc.Arbitrary<FuzzCase> {
    const key = `${route.method} ${route.path}`;
    return fc
      .record({
        route: fc.constant(route),
        otherMethod: sometimes(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), 8),
        segments: fc.array(segmentArbitrary(ids), { minLength: 3, maxLength: 3 }),
        query: queryArbitrary(QUERY_OF[key]),
        credentials: fc.constantFrom<Credentials>('valid', 'valid', 'valid', 'valid', 'valid', 'none', 'garbage', 'other kind'),
        contentType,
        contentEncoding: sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress'), 10),
        origin: sometimes(fc.oneof(fc.constantFrom(ALLOWED_ORIGIN, 'https://evil.example', 'null'), headerText), 6),
        lastEventId: sometimes(headerText, 4),
        extra: sometimes(fc.tuple(fc.stringMatching(/^x-[a-z-]{1,12}$/), headerText), 4),
        forwardedFor: fc.oneof({ weight: 8, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.ipV6() }, { weight: 1, arbitrary: headerText }),
        body: bodyArbitrary(BODY_OF[key]),
      })
      .map(({ route, otherMethod, segments, query, credentials, contentType, contentEncoding, origin, lastEventId, extra, forwardedFor, body }) => {
        let i = 0;
        const headers: Record<string, string> = { 'x-forwarded-for': forwardedFor };
        if (contentType && body !== undefined) headers['content-type'] = contentType;
        if (contentEncoding && body !== undefined) headers['content-encoding'] = contentEncoding;
        if (lastEventId !== null) headers['last-event-id'] = lastEventId;
        if (extra) headers[extra[0]] = extra[1];
        if (origin !== null) headers.origin = origin;
        return { route, method: otherMethod ?? route.method, path: fillPath(route.path, () => segments[i++ % segments.length]!) + query, credentials, headers, body };
      });
  }

  it('the schema table names routes that exist', () => {
    const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const key of [...Object.keys(BODY_OF), ...Object.keys(QUERY_OF)]) expect(known, key).toContain(key);
  });

  it(`${RUNS} generated requests over every route: each answered, none with a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(), async (c) => {
        const headers = { ...c.headers, ...(await credentialHeaders(c.route, c.credentials)) };
        const request: RawRequest = { method: c.method, path: c.path, headers, timeoutMs: ANSWER_WITHIN_MS, ...(c.body !== undefined ? { body: c.body } : {}) };
        const res = await rawRequest(app.url, request);
        // The owner's session may rotate the secret key: later admin cases use the new one.
        if (c.method === 'POST' && c.route.path === protocol.STAFF_SETTINGS_ROUTES.rotateSecretKey && res.status === 200) app.secretKey = (JSON.parse(res.text) as { secretKey: string }).secretKey;
        if (res.status >= 500) {
          throw new Error(`${res.status} for ${c.method} ${c.path} (${c.route.method} ${c.route.path}, ${c.credentials} credentials) ${JSON.stringify(c.headers)} body=${c.body?.slice(0, 500)}: ${res.text}`);
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  }, 180_000);
});

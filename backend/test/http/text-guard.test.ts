import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_API_TOKEN, errorBodySchema, STAFF_CSRF_HEADER } from '@prex/protocol';
import { rotateChannelSecret } from '../../src/channel-api/secret.js';
import { findInvalidText, textGuard } from '../../src/http/text-guard.js';
import { ALLOWED_ORIGIN, createSessionOver, startTestApp, type TestApp } from '../helpers/app.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';
import { fillPath, paramNames, rawRequest, registeredRoutes, type RawResponse, type RegisteredRoute } from '../helpers/routes.js';

describe('findInvalidText', () => {
  it('names the first bad string by its path, in document order, keys included', () => {
    const body = { messages: [{ parts: [{ text: 'fine' }, { text: 'a\u0000b' }] }], later: '\ud800' };
    expect(findInvalidText(body, 'body')).toEqual({ path: 'body.messages[0].parts[1].text', message: 'contains a NUL character (U+0000) at index 1' });
    expect(findInvalidText({ 'a key': ['ok', 'x\udc00'] }, 'body')).toEqual({
      path: 'body["a key"][1]',
      message: 'contains invalid Unicode (an unpaired surrogate U+DC00) at index 1',
    });
    expect(findInvalidText({ meta: { 'k\u0000': 1 } }, 'body')).toEqual({ path: 'body.meta', message: 'has a key that contains a NUL character (U+0000) at index 1' });
  });

  it('accepts any valid Unicode: emoji are surrogate pairs, and other control characters are text', () => {
    expect(findInvalidText({ text: 'héllo 👋🏽 \u0001\t\n 中文', n: 1, b: true, z: null }, 'body')).toBeUndefined();
  });

  it('walks a body nested far deeper than the call stack allows', () => {
    const deep = JSON.parse(`${'['.repeat(50_000)}"\\u0000"${']'.repeat(50_000)}`) as unknown;
    expect(findInvalidText(deep, 'body')?.path).toMatch(/^body(\[0\]){50000}$/);
  });
});

/**
 * Every route the app registers, walked with NUL characters and unpaired surrogates in its path
 * parameters, query and JSON body, with valid credentials so the request reaches the rule.
 */
describe('every route refuses invalid text with a 400 naming the field', () => {
  let app: TestApp;
  let sessionToken: string;
  let routes: RegisteredRoute[];
  let staff: StaffBrowser;
  let channelToken: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
    sessionToken = (await createSessionOver(app)).token;
    staff = await signedInStaff(app.url, app.db, app.tenant.id, 'text.guard@example.com', 'owner');
    routes = registeredRoutes(app.app);
    const channelSecret = new TextEncoder().encode(await rotateChannelSecret(app.db, app.tenant.id));
    channelToken = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(app.tenant.id).setAudience(CHANNEL_API_TOKEN.audience).setIssuedAt().setExpirationTime('10m').sign(channelSecret);
  });
  afterAll(() => app?.close());

  /** Admin routes take the secret key; staff routes a staff session; gateways a channel token; the others the publishable key, the session and an allowed origin. */
  function credentials(path: string): Record<string, string> {
    if (path.startsWith('/v1/admin')) return { authorization: `Bearer ${app.secretKey}` };
    if (path.startsWith('/v1/channels/api/')) return { authorization: `Bearer ${channelToken}` };
    if (path.startsWith('/v1/staff/')) return { cookie: `prex_staff=${staff.cookie}`, [STAFF_CSRF_HEADER]: staff.csrfToken! };
    return { 'x-prex-key': app.publishableKey, authorization: `Bearer ${sessionToken}`, origin: ALLOWED_ORIGIN };
  }

  /** A route's path with every parameter set to `segment` (or to a harmless id). */
  function pathOf(route: RegisteredRoute, segment = 'probe_id'): string {
    return fillPath(route.path, () => segment);
  }

  /** Webhooks (Twilio) take form bodies, as their provider sends them; every other route JSON. */
  const takesForm = (route: RegisteredRoute) => route.path.startsWith('/v1/channels/twilio/');

  function send(route: RegisteredRoute, path: string, body?: string, contentType = 'application/json'): Promise<RawResponse> {
    const headers = { ...credentials(route.path), ...(body !== undefined ? { 'content-type': contentType } : {}) };
    return rawRequest(app.url, { method: route.method, path, headers, ...(body !== undefined ? { body } : {}), timeoutMs: 15_000 });
  }

  function errorOf(res: RawResponse) {
    return errorBodySchema.parse(JSON.parse(res.text)).error;
  }

  async function expectInvalidText(res: RawResponse, field: string, what: RegExp, label: string) {
    expect(res.status, `${label}: ${res.text}`).toBe(400);
    const error = errorOf(res);
    expect(error.code, label).toBe('invalid_text');
    expect(error.message, label).toMatch(new RegExp(`^${field.replace(/[[\]().]/g, '\\$&')} ${what.source}`));
    expect(error.issues?.[0]?.path, label).toBe(field);
  }

  /**
   * Routes outside the groups, which read neither parameters, query nor body. The console's page is
   * the same file for every path under /console (its *path only matches; the app reads it in the browser),
   * and so is the Theme page's preview document.
   */
  const INPUT_FREE = ['GET /healthz', 'GET /readyz', 'GET /openapi.json', 'GET /loader.js', 'GET /console/theme-preview', 'GET /console', 'GET /console/*path'];

  it('every route runs the text rule in its policy, except the ones that read no input', () => {
    expect(routes.length).toBeGreaterThan(50);
    const unguarded = routes.filter((r) => !r.handlers.includes(textGuard)).map((r) => `${r.method} ${r.path}`);
    expect(unguarded).toEqual(INPUT_FREE);
  });

  it('a NUL in the query → 400 invalid_text naming query.<name>', async () => {
    for (const route of routes) {
      const res = await send(route, `${pathOf(route)}?probe=a%00b`);
      const label = `${route.method} ${route.path}`;
      if (INPUT_FREE.includes(label)) expect(res.status, label).toBeLessThan(500);
      else await expectInvalidText(res, 'query.probe', /contains a NUL character/, label);
    }
  });

  it('a NUL deep in a JSON body → 400 naming its path; an unpaired surrogate escape too', async () => {
    for (const route of routes) {
      const label = `${route.method} ${route.path}`;
      const nul = await send(route, pathOf(route), '{"probe":{"items":["fine","a\\u0000b"]}}');
      const surrogate = await send(route, pathOf(route), '{"probe":"x\\ud800"}');
      if (INPUT_FREE.includes(label)) {
        expect([nul.status, surrogate.status].every((s) => s < 500), label).toBe(true);
        continue;
      }
      if (takesForm(route)) {
        // A form cannot carry an unpaired surrogate (its bytes decode to U+FFFD); a NUL it can.
        expect(nul.status, label).toBeLessThan(500);
        await expectInvalidText(await send(route, pathOf(route), 'probe=fine&probe=a%00b', 'application/x-www-form-urlencoded'), 'body.probe[1]', /contains a NUL character/, label);
        continue;
      }
      await expectInvalidText(nul, 'body.probe.items[1]', /contains a NUL character/, label);
      await expectInvalidText(surrogate, 'body.probe', /contains invalid Unicode \(an unpaired surrogate U\+D800\)/, label);
    }
  });

  it('a NUL in a path parameter → 400 naming params.<name>; malformed %-encoding → 400 invalid_request', async () => {
    const withParams = routes.filter((r) => paramNames(r.path).length > 0 && !INPUT_FREE.includes(`${r.method} ${r.path}`));
    expect(withParams.length).toBeGreaterThan(10);
    for (const route of withParams) {
      const label = `${route.method} ${route.path}`;
      const first = paramNames(route.path)[0]!;
      const field = route.path.includes(`*${first}`) ? `params.${first}[0]` : `params.${first}`;
      await expectInvalidText(await send(route, pathOf(route, 'a%00b')), field, /contains a NUL character/, label);
      // An unpaired surrogate cannot be percent-encoded as UTF-8: its bytes fail to decode, as do truncated sequences.
      for (const bad of ['%ED%A0%80', '%E0%A4%A']) {
        const res = await send(route, pathOf(route, bad));
        expect(res.status, `${label} with ${bad}: ${res.text}`).toBe(400);
        expect(errorOf(res).message, label).toMatch(/Failed to decode param .*percent-encoded/);
      }
    }
  });

  it('the examples of the report: chat text, a stream id, an admin search', async () => {
    const chat = routes.find((r) => r.method === 'POST' && r.path === '/v1/chat')!;
    await expectInvalidText(await send(chat, '/v1/chat', '{"text":"a\\u0000b"}'), 'body.text', /contains a NUL/, 'chat');
    const stream = routes.find((r) => r.path === '/v1/chat/:messageId/stream')!;
    await expectInvalidText(await send(stream, '/v1/chat/%00/stream'), 'params.messageId', /contains a NUL/, 'stream');
    const search = routes.find((r) => r.path === '/v1/admin/documents/search')!;
    await expectInvalidText(await send(search, '/v1/admin/documents/search?q=%00'), 'query.q', /contains a NUL/, 'search');
  });

  it('bodies a route parses itself obey the rule: CSV, YAML, multipart fields and file names', async () => {
    const admin = { authorization: `Bearer ${app.secretKey}` };
    const post = (path: string, type: string, body: string) =>
      rawRequest(app.url, { method: 'POST', path, headers: { ...admin, 'content-type': type }, body, timeoutMs: 15_000 });

    const csv = await post('/v1/admin/products/import', 'text/csv', 'sku,name,price\nA1,Lamp\u0000,10\n');
    await expectInvalidText(csv, 'body', /contains a NUL character \(U\+0000\) at index 22/, 'csv');
    const yaml = await post('/v1/admin/agents/import', 'application/yaml', 'agents:\n  - name: x\u0000\n');
    await expectInvalidText(yaml, 'body', /contains a NUL character \(U\+0000\) at index 19/, 'yaml');
    // YAML's own escapes make the same characters out of plain ASCII.
    const escaped = await post('/v1/admin/agents/import', 'application/yaml', 'agents:\n  - name: "x\\ud800"\n    persona: "a\\0"\n');
    await expectInvalidText(escaped, 'body.agents[0].name', /contains invalid Unicode/, 'yaml escape');

    const boundary = 'prexboundary';
    const part = (headers: string, content: string) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
    const field = part('Content-Disposition: form-data; name="title"', 'Ti\u0000tle') + part('Content-Disposition: form-data; name="files"; filename="a.md"\r\nContent-Type: text/markdown', '# A') + `--${boundary}--\r\n`;
    await expectInvalidText(await post('/v1/admin/documents', `multipart/form-data; boundary=${boundary}`, field), 'body.title', /contains a NUL/, 'multipart field');
    const name = part(`Content-Disposition: form-data; name="files"; filename*=UTF-8''a%00.md\r\nContent-Type: text/markdown`, '# A') + `--${boundary}--\r\n`;
    await expectInvalidText(await post('/v1/admin/documents', `multipart/form-data; boundary=${boundary}`, name), 'files[0].name', /contains a NUL/, 'file name');
  });
});

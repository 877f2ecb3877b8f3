import express from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema, widgetConfigResponseSchema, createSessionResponseSchema } from '@prex/protocol';
import { errorHandler } from '../../src/http/error-handler.js';
import { sessionAuth } from '../../src/auth/session.js';
import { touchLiveSession } from '../../src/conversations/sessions.js';
import { signSessionToken } from '../../src/auth/session-token.js';
import { publishableKeyAuth } from '../../src/auth/publishable-key.js';
import { ALLOWED_ORIGIN, createSessionOver, makeTenant, startTestApp, type TestApp } from '../helpers/app.js';
import { silentLog } from '../helpers/db.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function expectError(res: Response, status: number, code: string, message: RegExp) {
  expect(res.status).toBe(status);
  const body = errorBodySchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe('health', () => {
  it('GET /healthz needs no key', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('publishable key and origin', () => {
  it('missing key → 401 naming the header', async () => {
    await expectError(await app.request('/v1/widget/config'), 401, 'unauthorized', /Missing x-prex-key/);
  });

  it('malformed key → 401', async () => {
    await expectError(await app.request('/v1/widget/config', { key: 'sk_nope' }), 401, 'unauthorized', /Malformed publishable key/);
    await expectError(await app.request('/v1/widget/config', { key: 'pk_<script>' }), 401, 'unauthorized', /Malformed/);
  });

  it('unknown key → 401', async () => {
    await expectError(await app.request('/v1/widget/config', { key: 'pk_doesnotexist123' }), 401, 'unauthorized', /Unknown publishable key/);
  });

  it('disallowed Origin → 403 forbidden_origin naming the origin, readable cross-origin', async () => {
    const res = await app.request('/v1/widget/config', { key: true, headers: { Origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    await expectError(res, 403, 'forbidden_origin', /https:\/\/evil\.example.*allowed origins/);
  });

  it('allowed Origin → 200 with the CORS header and the tenant config', async () => {
    const res = await app.request('/v1/widget/config', { key: true, headers: { Origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const body = widgetConfigResponseSchema.parse(await res.json());
    expect(body.tenant.name).toBe('Acme');
    expect(body.theme.accentColor).toMatch(/^#/);
  });

  it('no Origin (a server) → 200', async () => {
    expect((await app.request('/v1/widget/config', { key: true })).status).toBe(200);
  });

  it('answers CORS preflight for the key header', async () => {
    const res = await fetch(`${app.url}/v1/sessions`, {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-prex-key,authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-headers')).toContain('x-prex-key');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });
});

describe('sessions', () => {
  /** A minimal app with the real middleware, to check what sessionAuth accepts in isolation. */
  let probeUrl: string;
  let closeProbe: () => void;
  beforeAll(async () => {
    const probe = express();
    probe.get('/probe', publishableKeyAuth(app.db), sessionAuth(app.config, { touch: (tenantId, sessionId) => touchLiveSession(app.db, tenantId, sessionId) }), (_req, res) => {
      res.json(res.locals.session);
    });
    probe.use(errorHandler(silentLog));
    const server = probe.listen(0, '127.0.0.1');
    await once(server, 'listening');
    probeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
    closeProbe = () => server.close();
  });
  afterAll(() => closeProbe());

  const probe = (token: string | undefined, key = app.publishableKey) =>
    fetch(probeUrl, { headers: { 'x-prex-key': key, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

  it('POST /v1/sessions → 201 with a token that verifies', async () => {
    const res = await app.request('/v1/sessions', { method: 'POST', key: true, headers: { Origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(201);
    const body = createSessionResponseSchema.parse(await res.json());
    expect(body.sessionId).toMatch(/^ses_/);
    expect(body.token.startsWith(`${body.sessionId}.${app.tenant.id}.`)).toBe(true);
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    const ok = await probe(body.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ sessionId: body.sessionId, tenantId: app.tenant.id });
  });

  it('POST /v1/sessions without a key → 401', async () => {
    await expectError(await app.request('/v1/sessions', { method: 'POST' }), 401, 'unauthorized', /x-prex-key/);
  });

  it('missing, malformed, forged and expired tokens → 401 with their reason', async () => {
    const { sessionId, token } = await createSessionOver(app);
    const [, , exp] = token.split('.');
    await expectError(await probe(undefined), 401, 'unauthorized', /Missing Authorization/);
    await expectError(await probe('garbage'), 401, 'unauthorized', /Malformed/);
    await expectError(await probe(`${token.slice(0, -4)}AAAA`), 401, 'unauthorized', /signature/);
    const forged = signSessionToken({ sessionId, tenantId: app.tenant.id, expiresAt: new Date(Number(exp) * 1000) }, 'some-other-secret-of-sufficient-length');
    await expectError(await probe(forged), 401, 'unauthorized', /signature/);
    const expired = signSessionToken({ sessionId, tenantId: app.tenant.id, expiresAt: new Date(Date.now() - 1000) }, app.config.session.secret);
    await expectError(await probe(expired), 401, 'unauthorized', /expired/);
  });

  it("another tenant's token → 401, even though it is validly signed", async () => {
    const other = await makeTenant(app.db, 'Other');
    const theirs = await createSessionOver(app, other.publishableKey);
    await expectError(await probe(theirs.token), 401, 'unauthorized', /another tenant/);
    expect((await probe(theirs.token, other.publishableKey)).status).toBe(200);
  });

  it('a deleted session → 401', async () => {
    const { sessionId, token } = await createSessionOver(app);
    await app.db.query('delete from sessions where id = $1 and tenant_id = $2', [sessionId, app.tenant.id]);
    await expectError(await probe(token), 401, 'unauthorized', /no longer exists/);
  });

  it('the real history route accepts the token (integration with the chat module)', async () => {
    const { token } = await createSessionOver(app);
    const ok = await app.request('/v1/sessions/current/messages', { key: true, headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await expectError(await app.request('/v1/sessions/current/messages', { key: true, headers: { Authorization: 'Bearer nope' } }), 401, 'unauthorized', /Malformed/);
  });
});

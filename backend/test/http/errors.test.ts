import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema, LIMITS } from '@prex/protocol';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function errorOf(res: Response) {
  return errorBodySchema.parse(await res.json()).error;
}

const json = (body: string) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

describe('HTTP errors are JSON with a clear message', () => {
  it('unknown route → 404 JSON', async () => {
    const res = await app.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ code: 'not_found', message: 'No route for GET /v1/nothing-here' });
  });

  it('malformed JSON → 400', async () => {
    const res = await app.request('/v1/sessions', { ...json('{"text": '), key: true });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid_request', message: 'Request body is not valid JSON' });
  });

  it('a JSON body above the limit → 413', async () => {
    const res = await app.request('/v1/sessions', { ...json(JSON.stringify({ pad: 'x'.repeat(LIMITS.maxBodyBytes) })), key: true });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
  });

  it('wrong types → 400 listing the issues by field', async () => {
    const res = await app.request('/v1/admin/documents', {
      ...json(JSON.stringify({ externalId: 42, title: '', url: 'javascript:alert(1)', content: ['no'] })),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.secretKey}` },
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^Invalid document: externalId/);
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['content', 'externalId', 'title', 'url']);
    expect(error.issues?.find((i) => i.path === 'url')?.message).toMatch(/http/);
  });

  it('a non-JSON content type where a body is needed → 400 saying a JSON body is expected', async () => {
    const res = await app.request('/v1/admin/documents', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${app.secretKey}` },
      body: 'hello',
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/Expected a JSON body.*text\/plain/);
  });
});

describe('rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ db: app.db, env: { PREX_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => limited?.close());

  it('the request over the per-minute limit → 429 rate_limited with standard headers; health is not limited', async () => {
    for (let i = 0; i < 3; i += 1) {
      const ok = await limited.request('/v1/widget/config', { key: true });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toMatch(/^3;w=60/);
    }
    const res = await limited.request('/v1/widget/config', { key: true });
    expect(res.status).toBe(429);
    expect(res.headers.get('ratelimit')).toMatch(/remaining=0/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorOf(res)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/at most 3 per minute/) });
    expect((await limited.request('/healthz')).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { SECRET_KEY_FAILURE_LIMIT } from '../../src/auth/secret-key.js';
import { rotateSecretKey } from '../../src/tenants/repository.js';

/**
 * The admin API's door: wrong secret keys are refused, recorded for the tenant they name, and
 * counted per address, so guessing stops after a few; a rotated key ends when its grace does; a
 * browser reads the admin API only from an origin the tenant listed.
 */

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const admin = (key: string, init: RequestInit = {}) => app.request('/v1/admin/tenant', { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers ?? {}) } });
/** The tenant's own key id with a wrong secret: a failed attempt on this tenant. */
const wrongSecretOf = (key: string) => key.replace(/_[0-9a-f]{64}$/, `_${'0'.repeat(64)}`);

describe('admin CORS', () => {
  it('lets browsers read the admin API only from the tenant\'s admin origins; servers (no Origin) as before', async () => {
    expect((await admin(app.secretKey)).status).toBe(200);
    const elsewhere = await admin(app.secretKey, { headers: { origin: 'https://evil.example' } });
    expect(elsewhere.status).toBe(403);
    expect((await readJson(elsewhere)).error.code).toBe('forbidden_origin');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();

    const preflightBefore = await app.request('/v1/admin/tenant', { method: 'OPTIONS', headers: { origin: 'https://console.shop.example', 'access-control-request-method': 'GET' } });
    expect(preflightBefore.headers.get('access-control-allow-origin')).toBeNull();

    const patched = await admin(app.secretKey, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ adminOrigins: ['https://console.shop.example'] }) });
    expect(patched.status).toBe(200);
    const preflight = await app.request('/v1/admin/tenant', { method: 'OPTIONS', headers: { origin: 'https://console.shop.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.shop.example');
    const listed = await admin(app.secretKey, { headers: { origin: 'https://console.shop.example' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://console.shop.example');
  });
});

describe('secret keys', () => {
  it('a rotated key works through its grace period; an expired one is refused saying so', async () => {
    const fresh = await rotateSecretKey(app.db, app.tenant.id, 3600);
    expect((await admin(app.secretKey)).status).toBe(200);
    expect((await admin(fresh)).status).toBe(200);
    const newest = await rotateSecretKey(app.db, app.tenant.id, 0);
    const expired = await admin(fresh);
    expect(expired.status).toBe(401);
    expect((await readJson(expired)).error.message).toMatch(/rotated and has expired/);
    expect((await admin(newest)).status).toBe(200);
    app.secretKey = newest;
  });

  it('wrong keys are recorded for the tenant they name, and past the limit the address is refused before any key is checked', async () => {
    // A database of its own: no earlier refusal from this address counts.
    const fresh = await startTestApp();
    try {
      await guessedAt(fresh);
    } finally {
      await fresh.close();
    }
  });
});

async function guessedAt(app: TestApp): Promise<void> {
  const admin = (key: string) => app.request('/v1/admin/tenant', { headers: { authorization: `Bearer ${key}` } });
  {
    const { attempts } = SECRET_KEY_FAILURE_LIMIT;
    for (let i = 0; i < attempts; i++) {
      const res = await admin(i % 2 ? wrongSecretOf(app.secretKey) : 'sk_nobody_knows_this_key_at_all_0000');
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const refused = await admin(app.secretKey);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await readJson(refused)).error.code).toBe('rate_limited');

    // The tenant sees the attempts made with its key id (the others named no tenant).
    const rows = await app.db.query<{ n: number }>(`select count(*)::int as n from auth_events where tenant_id = $1 and kind = 'secret_key_invalid'`, [app.tenant.id]);
    expect(rows[0]!.n).toBe(attempts / 2);
    const unnamed = await app.db.query<{ n: number }>(`select count(*)::int as n from auth_events where tenant_id is null and kind = 'secret_key_invalid'`);
    expect(unnamed[0]!.n).toBe(attempts / 2);
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_LIMITS, TENANT_KEYS_ADMIN_ROUTES as R, ROUTES, type AdminRetentionResponse, type AdminRotatePublishableKeyResponse } from '@prex/protocol';
import { conversationRetentionDays } from '../../src/retention/setting.js';
import { findById } from '../../src/tenants/repository.js';
import { ALLOWED_ORIGIN, makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

/**
 * Data retention and publishable-key rotation through the admin API (secret key): the same rules
 * as the console's Settings page, and a tenant's key changes only that tenant.
 */

let a: TestApp;
let other: TestTenant;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  other = await makeTenant(a.db, 'Other');
});
afterAll(() => a?.close());

const call = (secretKey: string, method: string, path: string, body?: unknown) =>
  fetch(`${a.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const widgetConfig = (publishableKey: string) => fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': publishableKey, origin: ALLOWED_ORIGIN } });

describe('admin API: data retention', () => {
  it('is off by default, set in days and turned off with null', async () => {
    expect(await readJson<AdminRetentionResponse>(await call(a.secretKey, 'GET', R.retention))).toEqual({ conversationRetentionDays: null });
    const set = await call(a.secretKey, 'PUT', R.retention, { conversationRetentionDays: 90 });
    expect(set.status).toBe(200);
    expect(await readJson<AdminRetentionResponse>(set)).toEqual({ conversationRetentionDays: 90 });
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBe(90);
    expect(await readJson<AdminRetentionResponse>(await call(a.secretKey, 'GET', R.retention))).toEqual({ conversationRetentionDays: 90 });
    const off = await call(a.secretKey, 'PUT', R.retention, { conversationRetentionDays: null });
    expect(await readJson<AdminRetentionResponse>(off)).toEqual({ conversationRetentionDays: null });
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
  });

  it('refuses what is not a sensible period with a 400 that says what is wrong', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /conversationRetentionDays/],
      [{ conversationRetentionDays: SETTINGS_LIMITS.minRetentionDays - 1 }, /at least 7/],
      [{ conversationRetentionDays: SETTINGS_LIMITS.maxRetentionDays + 1 }, /at most 3650/],
      [{ conversationRetentionDays: 30.5 }, /whole number of days/],
      [{ conversationRetentionDays: '30' }, /number of days, or null/],
      [{ conversationRetentionDays: 30, extra: 1 }, /extra/],
      ['{not json', /JSON|json/],
    ];
    for (const [body, message] of cases) {
      const res = await call(a.secretKey, 'PUT', R.retention, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(res)).error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
  });

  it('needs a secret key, and tenant B’s key changes only B', async () => {
    expect((await fetch(`${a.url}${R.retention}`)).status).toBe(401);
    expect((await call(a.publishableKey, 'GET', R.retention)).status).toBe(401);
    expect((await call(other.secretKey, 'PUT', R.retention, { conversationRetentionDays: 30 })).status).toBe(200);
    expect(await conversationRetentionDays(a.db, other.tenant.id)).toBe(30);
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
    expect(await readJson<AdminRetentionResponse>(await call(a.secretKey, 'GET', R.retention))).toEqual({ conversationRetentionDays: null });
  });
});

describe('admin API: publishable key rotation', () => {
  it('issues a new key; with a grace the old one keeps opening the widget, listed with its end', async () => {
    const old = (await findById(a.db, a.tenant.id))!.publishableKey;
    const res = await call(a.secretKey, 'POST', R.rotatePublishableKey, { graceSeconds: 3600 });
    expect(res.status).toBe(200);
    const rotated = await readJson<AdminRotatePublishableKeyResponse>(res);
    expect(rotated.tenantId).toBe(a.tenant.id);
    expect(rotated.publishableKey).toMatch(/^pk_/);
    expect(rotated.publishableKey).not.toBe(old);
    expect(rotated.previousPublishableKeys.map((k) => k.publishableKey)).toEqual([old]);
    expect((await widgetConfig(rotated.publishableKey)).status).toBe(200);
    expect((await widgetConfig(old)).status).toBe(200);
  });

  it('with no grace the old keys stop at once', async () => {
    const old = (await findById(a.db, a.tenant.id))!.publishableKey;
    const rotated = await readJson<AdminRotatePublishableKeyResponse>(await call(a.secretKey, 'POST', R.rotatePublishableKey, { graceSeconds: 0 }));
    expect(rotated.previousPublishableKeys).toEqual([]);
    expect((await widgetConfig(old)).status).toBe(401);
    expect((await widgetConfig(rotated.publishableKey)).status).toBe(200);
  });

  it('refuses a bad grace with a 400 and changes nothing', async () => {
    const before = (await findById(a.db, a.tenant.id))!.publishableKey;
    const cases: Array<[unknown, RegExp]> = [
      [{}, /graceSeconds/],
      [{ graceSeconds: -1 }, /at least 0/],
      [{ graceSeconds: SETTINGS_LIMITS.maxGraceSeconds + 1 }, /at most/],
      [{ graceSeconds: 1.5 }, /whole number/],
      [{ graceSeconds: '60' }, /number of seconds/],
    ];
    for (const [body, message] of cases) {
      const res = await call(a.secretKey, 'POST', R.rotatePublishableKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(res)).error.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await findById(a.db, a.tenant.id))!.publishableKey).toBe(before);
  });

  it('tenant B’s secret key rotates only B’s key', async () => {
    const mine = (await findById(a.db, a.tenant.id))!.publishableKey;
    const rotated = await readJson<AdminRotatePublishableKeyResponse>(await call(other.secretKey, 'POST', R.rotatePublishableKey, { graceSeconds: 0 }));
    expect(rotated.tenantId).toBe(other.tenant.id);
    expect((await findById(a.db, other.tenant.id))!.publishableKey).toBe(rotated.publishableKey);
    expect((await findById(a.db, a.tenant.id))!.publishableKey).toBe(mine);
    expect((await widgetConfig(mine)).status).toBe(200);
  });
});

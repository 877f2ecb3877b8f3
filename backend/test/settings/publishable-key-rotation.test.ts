import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES as R, TENANT_ADMIN_ROUTE, type StaffSettingsResponse, type TenantSettingsResponse } from '@prex/protocol';
import { ALLOWED_ORIGIN, readJson, type TestApp, type TestTenant } from '../helpers/app.js';
import { startStaffWorkspaces, type StaffBrowser } from '../helpers/staff.js';

/**
 * Rotating the publishable key from the console (owners only): the new key is in the snippet at
 * once, the old one keeps opening the widget for the grace period and is refused after it. The end
 * of the grace is moved into the past in the database instead of waiting for it.
 */

let a: TestApp;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherOwner: StaffBrowser;

beforeAll(async () => {
  ({ app: a, owner, admin, agent, other, otherOwner } = await startStaffWorkspaces('pk'));
});

afterAll(() => a?.close());

const widgetConfig = (key: string) => fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': key, origin: ALLOWED_ORIGIN } });
const newSession = (key: string) => fetch(`${a.url}${ROUTES.sessions}`, { method: 'POST', headers: { 'x-prex-key': key, origin: ALLOWED_ORIGIN } });
const currentKey = async () => (await readJson<StaffSettingsResponse>(await owner.call('GET', R.settings))).publishableKey;
const rotate = async (browser: StaffBrowser, graceSeconds: number) => {
  const res = await browser.call('POST', R.rotatePublishableKey, { graceSeconds });
  expect(res.status).toBe(200);
  return readJson<StaffSettingsResponse>(res);
};
/** Ends every grace of the tenant now, as the passing of time would. */
const endGrace = (tenantId: string) => a.db.query(`update previous_publishable_keys set expires_at = now() - interval '1 second' where tenant_id = $1`, [tenantId]);

describe('publishable key rotation', () => {
  it('the old key works during the grace period and is refused after it', async () => {
    const old = await currentKey();
    const before = Date.now();
    const rotated = await rotate(owner, 3600);
    expect(rotated.publishableKey).toMatch(/^pk_[0-9a-f]{32}$/);
    expect(rotated.publishableKey).not.toBe(old);
    expect(rotated.embedSnippet).toContain(`data-prex-key="${rotated.publishableKey}"`);
    expect(rotated.previousPublishableKeys).toHaveLength(1);
    expect(rotated.previousPublishableKeys[0]!.publishableKey).toBe(old);
    const expiresAt = Date.parse(rotated.previousPublishableKeys[0]!.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 5_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
    expect((await readJson<TenantSettingsResponse>(await fetch(`${a.url}${TENANT_ADMIN_ROUTE}`, { headers: { authorization: `Bearer ${a.secretKey}` } }))).publishableKey).toBe(
      rotated.publishableKey,
    );

    // Within the grace: both keys open the widget for this tenant.
    expect((await widgetConfig(old)).status).toBe(200);
    expect((await newSession(old)).status).toBe(201);
    expect((await widgetConfig(rotated.publishableKey)).status).toBe(200);

    await endGrace(a.tenant.id);
    const refused = await widgetConfig(old);
    expect(refused.status).toBe(401);
    expect((await readJson(refused)).error.message).toBe(`Unknown publishable key ${old}`);
    expect((await newSession(old)).status).toBe(401);
    expect((await widgetConfig(rotated.publishableKey)).status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(await owner.call('GET', R.settings))).previousPublishableKeys).toEqual([]);
  });

  it('with no grace the old key is refused at once; a second rotation shortens an earlier grace', async () => {
    const first = await currentKey();
    const second = (await rotate(owner, SETTINGS_LIMITS.maxGraceSeconds)).publishableKey;
    expect((await widgetConfig(first)).status).toBe(200);
    const third = await rotate(owner, 0);
    expect(third.previousPublishableKeys).toEqual([]);
    for (const key of [first, second]) expect((await widgetConfig(key)).status, key).toBe(401);
    expect((await widgetConfig(third.publishableKey)).status).toBe(200);
  });

  it('a visitor session opened under the old key carries on under the new one', async () => {
    const old = await currentKey();
    const session = (await readJson<{ token: string }>(await newSession(old))).token;
    const fresh = (await rotate(owner, 60)).publishableKey;
    const history = await fetch(`${a.url}${ROUTES.history}`, { headers: { 'x-prex-key': fresh, origin: ALLOWED_ORIGIN, authorization: `Bearer ${session}` } });
    expect(history.status).toBe(200);
  });

  it('only an owner rotates it: an admin and an agent get 403 and the key stays', async () => {
    const key = await currentKey();
    const byAdmin = await admin.call('POST', R.rotatePublishableKey, { graceSeconds: 0 });
    expect(byAdmin.status).toBe(403);
    expect((await readJson(byAdmin)).error.message).toMatch(/needs the owner role; your account's role is admin/);
    expect((await agent.call('POST', R.rotatePublishableKey, { graceSeconds: 0 })).status).toBe(403);
    expect((await fetch(`${a.url}${R.rotatePublishableKey}`, { method: 'POST' })).status).toBe(401);
    expect((await owner.call('POST', R.rotatePublishableKey, { graceSeconds: 0 }, { csrf: null })).status).toBe(403);
    expect(await currentKey()).toBe(key);
  });

  it('refuses a bad grace with a 400 that says what is allowed', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /graceSeconds/],
      [{ graceSeconds: -1 }, /at least 0/],
      [{ graceSeconds: SETTINGS_LIMITS.maxGraceSeconds + 1 }, /at most 604800/],
      [{ graceSeconds: 1.5 }, /whole number/],
      [{ graceSeconds: '60' }, /must be a number/],
      [{ graceSeconds: 60, extra: true }, /extra/],
    ];
    const key = await currentKey();
    for (const [body, message] of cases) {
      const res = await owner.call('POST', R.rotatePublishableKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(message);
    }
    expect(await currentKey()).toBe(key);
  });

  it("another workspace's owner rotates only their own key", async () => {
    const mine = await currentKey();
    const theirs = await rotate(otherOwner, 3600);
    expect(theirs.tenantId).toBe(other.tenant.id);
    expect(theirs.previousPublishableKeys.map((k) => k.publishableKey)).toEqual([other.publishableKey]);
    expect(await currentKey()).toBe(mine);
    expect((await widgetConfig(mine)).status).toBe(200);
    // Ending the other tenant's grace leaves this tenant's keys alone, and the other's old key names no tenant.
    await endGrace(other.tenant.id);
    expect((await widgetConfig(other.publishableKey)).status).toBe(401);
    expect((await widgetConfig(mine)).status).toBe(200);
  });
});

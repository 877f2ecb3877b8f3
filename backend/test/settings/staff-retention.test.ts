import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES as R, type StaffSettingsResponse } from '@prex/protocol';
import { conversationRetentionDays } from '../../src/retention/setting.js';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The retention setting from the console's Settings page: off by default, set by owners and
 * admins within sensible bounds, turned off with null, and only ever for the staff member's own
 * workspace. What the sweep does with it: test/retention/sweep.test.ts.
 */

let a: TestApp;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherAdmin: StaffBrowser;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@retention.example', 'owner');
  admin = await signedInStaff(a.url, a.db, a.tenant.id, 'admin@retention.example', 'admin');
  agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@retention.example', 'agent');
  other = await makeTenant(a.db, 'Other');
  otherAdmin = await signedInStaff(a.url, a.db, other.tenant.id, 'admin@retention-other.example', 'admin');
});

afterAll(() => a?.close());

const settingsOf = async (browser: StaffBrowser) => readJson<StaffSettingsResponse>(await browser.call('GET', R.settings));

describe('staff settings: data retention', () => {
  it('is off by default; an admin sets it and an owner turns it off again', async () => {
    expect((await settingsOf(admin)).retention).toEqual({ conversationRetentionDays: null });

    const set = await admin.call('PUT', R.retention, { conversationRetentionDays: 90 });
    expect(set.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(set)).retention).toEqual({ conversationRetentionDays: 90 });
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBe(90);
    expect((await settingsOf(owner)).retention).toEqual({ conversationRetentionDays: 90 });

    const off = await owner.call('PUT', R.retention, { conversationRetentionDays: null });
    expect(off.status).toBe(200);
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
  });

  it('refuses what is not a sensible period with a 400 that says the bounds', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /conversationRetentionDays/],
      [{ conversationRetentionDays: SETTINGS_LIMITS.minRetentionDays - 1 }, /at least 7/],
      [{ conversationRetentionDays: 0 }, /at least 7/],
      [{ conversationRetentionDays: SETTINGS_LIMITS.maxRetentionDays + 1 }, /at most 3650/],
      [{ conversationRetentionDays: 30.5 }, /whole number of days/],
      [{ conversationRetentionDays: '30' }, /number of days, or null/],
      [{ conversationRetentionDays: 30, extra: 1 }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await owner.call('PUT', R.retention, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(message);
    }
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
    for (const days of [SETTINGS_LIMITS.minRetentionDays, SETTINGS_LIMITS.maxRetentionDays]) {
      expect((await owner.call('PUT', R.retention, { conversationRetentionDays: days })).status, String(days)).toBe(200);
    }
    expect((await owner.call('PUT', R.retention, { conversationRetentionDays: null })).status).toBe(200);
  });

  it('an agent gets 403; signed out 401; without the CSRF token nothing changes', async () => {
    expect((await agent.call('PUT', R.retention, { conversationRetentionDays: 30 })).status).toBe(403);
    expect((await fetch(`${a.url}${R.retention}`, { method: 'PUT' })).status).toBe(401);
    expect((await owner.call('PUT', R.retention, { conversationRetentionDays: 30 }, { csrf: null })).status).toBe(403);
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
  });

  it("another workspace's admin sets only their own workspace's retention", async () => {
    const res = await otherAdmin.call('PUT', R.retention, { conversationRetentionDays: 14 });
    expect(res.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(res)).tenantId).toBe(other.tenant.id);
    expect(await conversationRetentionDays(a.db, other.tenant.id)).toBe(14);
    expect(await conversationRetentionDays(a.db, a.tenant.id)).toBeNull();
    expect((await settingsOf(owner)).retention).toEqual({ conversationRetentionDays: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_ROUTES, STAFF_SETTINGS_ROUTES as R, smsInboundPath, type StaffSmsSettingsResponse } from '@prex/protocol';
import { readJson } from '../helpers/app.js';
import { adminFetch } from '../helpers/sms.js';
import { startStaffWorkspaces, type StaffWorkspaces } from '../helpers/staff.js';

/**
 * The console's SMS card: owners and admins read and change the tenant's Twilio number with the
 * admin API's validation; the auth token goes in and never comes back out; each tenant sees its own.
 */

const TOKEN = 'f00dfeed'.repeat(4);
const SETTINGS = { accountSid: `AC${'c3'.repeat(16)}`, authToken: TOKEN, phoneNumber: '+14155550300', managerNumbers: ['+14155550301'] };

let w: StaffWorkspaces;

beforeAll(async () => {
  w = await startStaffWorkspaces('staff-sms');
});

afterAll(() => w?.app.close());

/** Every staff answer is checked for the token: it must never leave the server. */
async function body(res: Response): Promise<StaffSmsSettingsResponse> {
  const text = await res.text();
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(TOKEN.slice(0, 12));
  return JSON.parse(text) as StaffSmsSettingsResponse;
}

describe('staff SMS settings', () => {
  it('shows nothing set, with the webhook URL to give Twilio', async () => {
    const res = await w.admin.call('GET', R.sms);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await body(res)).toEqual({ sms: null, webhookUrl: `${w.app.url}${smsInboundPath(w.app.tenant.id)}` });
  });

  it('an agent can neither read nor change them', async () => {
    expect((await w.agent.call('GET', R.sms)).status).toBe(403);
    expect((await w.agent.call('PUT', R.sms, SETTINGS)).status).toBe(403);
    expect((await w.agent.call('DELETE', R.sms)).status).toBe(403);
  });

  it('says what is wrong with bad input', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...SETTINGS, accountSid: 'nope' }, /accountSid: must be a Twilio account SID/],
      [{ ...SETTINGS, managerNumbers: ['555-1234'] }, /managerNumbers\.0: must be a phone number in E\.164 form/],
      [{ ...SETTINGS, managerNumbers: Array.from({ length: 11 }, (_, i) => `+141555504${String(i).padStart(2, '0')}`) }, /at most 10 manager numbers/],
      [{ ...SETTINGS, managerNumbers: ['+14155550301', '+14155550301'] }, /lists a number twice/],
      [{ ...SETTINGS, managerNumbers: [SETTINGS.phoneNumber] }, /cannot be the SMS number itself/],
      [{ ...SETTINGS, authToken: undefined }, /authToken is required the first time/],
      [{ ...SETTINGS, secret: 'x' }, /Unrecognized key/i],
    ];
    for (const [input, message] of cases) {
      const res = await w.owner.call('PUT', R.sms, input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect((await readJson<{ error: { message: string } }>(res)).error.message).toMatch(message);
    }
    expect((await body(await w.owner.call('GET', R.sms))).sms).toBeNull();
  });

  it('an admin saves them: the token is write-only, shown only as "set" by its hint, and kept when left out', async () => {
    const saved = await body(await w.admin.call('PUT', R.sms, SETTINGS));
    expect(saved.sms).toMatchObject({ accountSid: SETTINGS.accountSid, phoneNumber: SETTINGS.phoneNumber, managerNumbers: SETTINGS.managerNumbers, authTokenHint: '••••••••feed' });

    const kept = await body(await w.owner.call('PUT', R.sms, { ...SETTINGS, authToken: undefined, managerNumbers: ['+14155550302', '+14155550303'] }));
    expect(kept.sms?.managerNumbers).toEqual(['+14155550302', '+14155550303']);
    expect(kept.sms?.authTokenHint).toBe('••••••••feed');
    expect((await body(await w.admin.call('GET', R.sms))).sms?.managerNumbers).toEqual(['+14155550302', '+14155550303']);

    // The admin API sees the very same settings: one service behind both.
    const viaAdmin = await readJson<{ managerNumbers: string[] }>(await adminFetch(w.app.url, w.app.secretKey, SMS_ROUTES.settings));
    expect(viaAdmin.managerNumbers).toEqual(['+14155550302', '+14155550303']);
  });

  it("another tenant's staff see only their own, and cannot take the number", async () => {
    expect((await body(await w.otherOwner.call('GET', R.sms))).sms).toBeNull();
    const taken = await w.otherOwner.call('PUT', R.sms, { ...SETTINGS, managerNumbers: [] });
    expect(taken.status).toBe(409);
    expect(await taken.text()).not.toContain(TOKEN);
    expect((await w.otherOwner.call('DELETE', R.sms)).status).toBe(200);
    expect((await body(await w.owner.call('GET', R.sms))).sms?.phoneNumber).toBe(SETTINGS.phoneNumber);
  });

  it('an owner removes them', async () => {
    expect(await body(await w.owner.call('DELETE', R.sms))).toMatchObject({ sms: null });
    expect((await body(await w.admin.call('GET', R.sms))).sms).toBeNull();
  });
});

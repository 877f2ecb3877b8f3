import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHABLE_KEY_HEADER, ROUTES, STAFF_SETTINGS_ROUTES as R, staffSettingsResponseSchema, TENANT_ADMIN_ROUTE, type WidgetConfigResponse } from '@prex/protocol';
import { ALLOWED_ORIGIN, readJson, type TestTenant } from '../helpers/app.js';
import { adminCall } from '../helpers/customers.js';
import { startStaffWorkspaces, type StaffBrowser, type StaffWorkspaces } from '../helpers/staff.js';

/**
 * The widget's microphone from the console's Settings page (PUT /v1/staff/settings/voice): the same
 * tenant setting as the admin API's voiceInput, set by owners and admins, read by the widget's
 * config, and only ever for the staff member's own workspace.
 */

let w: StaffWorkspaces;
beforeAll(async () => {
  w = await startStaffWorkspaces('voice');
});
afterAll(() => w?.app.close());

const settingsOf = async (browser: StaffBrowser) => staffSettingsResponseSchema.parse(await readJson(await browser.call('GET', R.settings)));
const widgetConfig = async (t: TestTenant) =>
  readJson<WidgetConfigResponse>(await fetch(`${w.app.url}${ROUTES.widgetConfig}`, { headers: { [PUBLISHABLE_KEY_HEADER]: t.publishableKey, origin: ALLOWED_ORIGIN } }));

describe('staff settings: voice input', () => {
  it("is 'browser' by default; an admin turns the microphone off and an owner back on; the widget and the admin API see it", async () => {
    expect((await settingsOf(w.admin)).voice).toEqual({ voiceInput: 'browser', transcription: false });
    expect((await widgetConfig(w.app)).microphone).toBe(true);

    const off = await w.admin.call('PUT', R.voice, { voiceInput: 'off' });
    expect(off.status).toBe(200);
    expect(staffSettingsResponseSchema.parse(await readJson(off)).voice.voiceInput).toBe('off');
    expect((await widgetConfig(w.app)).microphone).toBe(false);
    expect(await readJson(await adminCall(w.app, 'GET', TENANT_ADMIN_ROUTE))).toMatchObject({ voiceInput: 'off' });

    expect((await w.owner.call('PUT', R.voice, { voiceInput: 'server' })).status).toBe(200);
    expect((await settingsOf(w.owner)).voice.voiceInput).toBe('server');
    expect((await widgetConfig(w.app)).microphone).toBe(true);
    expect((await w.owner.call('PUT', R.voice, { voiceInput: 'browser' })).status).toBe(200);
  });

  it('says what is wrong with a bad value, and an agent may not change it', async () => {
    for (const body of [{ voiceInput: 'loud' }, {}, { voiceInput: 'off', extra: 1 }]) {
      const res = await w.owner.call('PUT', R.voice, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const bad = await w.owner.call('PUT', R.voice, { voiceInput: 'loud' });
    expect(JSON.stringify(await readJson(bad))).toMatch(/voiceInput is 'browser', 'server' or 'off'/);
    expect((await w.agent.call('PUT', R.voice, { voiceInput: 'off' })).status).toBe(403);
    expect((await settingsOf(w.owner)).voice.voiceInput).toBe('browser');
  });

  it("changes only the caller's own workspace", async () => {
    expect((await w.otherOwner.call('PUT', R.voice, { voiceInput: 'off' })).status).toBe(200);
    expect((await widgetConfig(w.other)).microphone).toBe(false);
    expect((await widgetConfig(w.app)).microphone).toBe(true);
    expect((await settingsOf(w.owner)).voice.voiceInput).toBe('browser');
  });
});

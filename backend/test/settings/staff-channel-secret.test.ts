import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_API_ROUTES, STAFF_SETTINGS_ROUTES as R, type ChannelSecretResponse, type StaffSettingsResponse } from '@prex/protocol';
import { readJson } from '../helpers/app.js';
import { startStaffWorkspaces, type StaffWorkspaces } from '../helpers/staff.js';

/** The console's channels card: the settings say whether a channel secret exists, never what it is. */

let w: StaffWorkspaces;

beforeAll(async () => {
  w = await startStaffWorkspaces('staff-channels');
});

afterAll(() => w?.app.close());

const hasSecret = async (browser = w.admin) => (await readJson<StaffSettingsResponse>(await browser.call('GET', R.settings))).channels.hasSecret;

describe('staff settings: the channel secret', () => {
  it('is reported once the owner made one, and never shown again', async () => {
    expect(await hasSecret()).toBe(false);
    expect((await w.admin.call('POST', CHANNEL_API_ROUTES.staffRotateSecret)).status).toBe(403);
    expect(await hasSecret()).toBe(false);

    const made = await w.owner.call('POST', CHANNEL_API_ROUTES.staffRotateSecret);
    expect(made.status).toBe(201);
    const { channelSecret, issuer } = await readJson<ChannelSecretResponse>(made);
    expect(issuer).toBe(w.app.tenant.id);

    const settings = await (await w.admin.call('GET', R.settings)).text();
    expect(JSON.parse(settings).channels).toEqual({ hasSecret: true });
    expect(settings).not.toContain(channelSecret);
    expect(settings).not.toMatch(/chs_/);
  });

  it("is another tenant's own", async () => {
    expect(await hasSecret(w.otherOwner)).toBe(false);
  });
});

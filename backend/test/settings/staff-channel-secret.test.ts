import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_API_ROUTES,
  CHANNEL_SECRET_ENV,
  channelTokenSnippet,
  STAFF_SETTINGS_ROUTES as R,
  type ChannelSecretResponse,
  type StaffSettingsResponse,
} from '@prex/protocol';
import { verifyChannelToken } from '../../src/channel-api/token.js';
import { readJson } from '../helpers/app.js';
import { startStaffWorkspaces, type StaffWorkspaces } from '../helpers/staff.js';

/** The console's channels card: the settings say whether a channel secret exists, never what it is. */

let w: StaffWorkspaces;
const run = promisify(execFile);
const BACKEND = fileURLToPath(new URL('../../', import.meta.url));

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

describe('the channel token snippet the Settings page shows', () => {
  it("signs a token the channels API verifies (run as a gateway's server runs it)", async () => {
    const made = await readJson<ChannelSecretResponse>(await w.otherOwner.call('POST', CHANNEL_API_ROUTES.staffRotateSecret));
    const code = channelTokenSnippet(made.issuer, w.app.url);
    expect(code).toContain(`process.env.${CHANNEL_SECRET_ENV}`);
    expect(code).not.toMatch(/chs_/);
    // Inside the backend, so the snippet's `import … from 'jose'` resolves as on a tenant's server.
    const dir = await mkdtemp(join(BACKEND, 'test', '.snippets-'));
    try {
      const file = join(dir, 'channel.mjs');
      await writeFile(file, code);
      const script = `import { prexChannelToken } from ${JSON.stringify(pathToFileURL(file).href)}; console.log(await prexChannelToken());`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [CHANNEL_SECRET_ENV]: made.channelSecret } });
      const token = stdout.trim();
      expect(await verifyChannelToken(token, made.issuer, made.channelSecret, new Date())).toEqual({ valid: true, tenantId: made.issuer });
      // And the channels API takes it: the gateway vouches for its user.
      const res = await fetch(`${w.app.url}${CHANNEL_API_ROUTES.validate}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversationKey: '+15550001111', userId: 'u-1' }),
      });
      expect([200, 201], await res.clone().text()).toContain(res.status);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

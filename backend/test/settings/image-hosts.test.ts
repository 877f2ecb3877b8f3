import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PUBLISHABLE_KEY_HEADER,
  ROUTES,
  STAFF_SETTINGS_ROUTES as R,
  TENANT_ADMIN_ROUTE,
  type StaffSettingsResponse,
  type WidgetConfigResponse,
} from '@prex/protocol';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { findById } from '../../src/tenants/repository.js';
import { ALLOWED_ORIGIN, makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { newVisitor, readSse, send, textOf } from '../helpers/chat.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Images in answers: a workspace names the hosts its knowledge base's images come from (console or
 * admin API); the widget's config carries the list, and an extractive answer quoting a passage
 * brings along that passage's first image from a named host — never one from elsewhere.
 */

let a: TestApp;
let owner: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherAdmin: StaffBrowser;

const GUIDE = [
  '# Exporting your notes',
  '',
  '![Tracking pixel](https://tracker.example/p.gif)',
  '',
  'To export your notes, open Settings and choose Export. The export arrives as a zip file by email.',
  '',
  '![The Export button in Settings](https://cdn.shop.example/export.png "Export")',
].join('\n');

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@images.example', 'owner');
  agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@images.example', 'agent');
  other = await makeTenant(a.db, 'Other');
  otherAdmin = await signedInStaff(a.url, a.db, other.tenant.id, 'admin@images-other.example', 'admin');
  await upsertDocument(a.db, a.tenant.id, { externalId: 'export', title: 'Exporting your notes', content: GUIDE });
});

afterAll(() => a?.close());

const widgetConfig = async (publishableKey: string) =>
  readJson<WidgetConfigResponse>(await fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { [PUBLISHABLE_KEY_HEADER]: publishableKey, origin: ALLOWED_ORIGIN } }));

const ask = async (question: string) => {
  const visitor = await newVisitor({ url: a.url, publishableKey: a.publishableKey });
  return textOf((await readSse(await send(visitor, { text: question }))).chunks);
};

describe('image hosts', () => {
  it('none by default: the widget gets no list and answers carry no image', async () => {
    expect((await readJson<StaffSettingsResponse>(await owner.call('GET', R.settings))).imageHosts).toEqual([]);
    expect((await widgetConfig(a.publishableKey)).imageHosts).toBeUndefined();
    const text = await ask('How do I export my notes?');
    expect(text).toContain('open Settings and choose Export');
    expect(text).not.toContain('![');
  });

  it('set from the console (normalised, deduplicated), they reach the widget, and an answer brings the named host’s image only', async () => {
    const res = await owner.call('PUT', R.imageHosts, { imageHosts: ['CDN.Shop.Example', ' *.img.example ', 'cdn.shop.example', 'localhost:8443'] });
    expect(res.status).toBe(200);
    expect((await readJson<StaffSettingsResponse>(res)).imageHosts).toEqual(['cdn.shop.example', '*.img.example', 'localhost:8443']);
    expect((await widgetConfig(a.publishableKey)).imageHosts).toEqual(['cdn.shop.example', '*.img.example', 'localhost:8443']);

    const text = await ask('How do I export my notes?');
    expect(text).toContain('![The Export button in Settings](https://cdn.shop.example/export.png)');
    expect(text).not.toContain('tracker.example');
  });

  it('refuses what is not a host with a 400 that says what one looks like, and changes nothing', async () => {
    const before = (await findById(a.db, a.tenant.id))!.imageHosts;
    const cases: Array<[unknown, RegExp]> = [
      [{ imageHosts: ['https://cdn.example/images'] }, /host name such as cdn\.example/],
      [{ imageHosts: ['cdn.example/path'] }, /no scheme or path/],
      [{ imageHosts: [''] }, /host name/],
      [{ imageHosts: Array.from({ length: 21 }, (_, i) => `h${i}.example`) }, /at most 20 image hosts/],
      [{ imageHosts: 'cdn.example' }, /imageHosts/],
      [{}, /imageHosts/],
      [{ imageHosts: [], extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const r = await owner.call('PUT', R.imageHosts, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(r)), JSON.stringify(body)).toMatch(message);
    }
    expect((await findById(a.db, a.tenant.id))!.imageHosts).toEqual(before);
  });

  it('an agent gets 403 and signed out 401; another workspace’s admin changes only their own list', async () => {
    expect((await agent.call('PUT', R.imageHosts, { imageHosts: [] })).status).toBe(403);
    expect((await fetch(`${a.url}${R.imageHosts}`, { method: 'PUT' })).status).toBe(401);
    const res = await otherAdmin.call('PUT', R.imageHosts, { imageHosts: ['other.example'] });
    expect((await readJson<StaffSettingsResponse>(res)).tenantId).toBe(other.tenant.id);
    expect((await findById(a.db, a.tenant.id))!.imageHosts).toContain('cdn.shop.example');
    expect((await findById(a.db, other.tenant.id))!.imageHosts).toEqual(['other.example']);
  });

  it('the admin API sets and shows them too; an empty list turns images off', async () => {
    const call = (method: string, body?: unknown) =>
      fetch(`${a.url}${TENANT_ADMIN_ROUTE}`, {
        method,
        headers: { authorization: `Bearer ${a.secretKey}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const refused = await call('PATCH', { imageHosts: ['bad host'] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await readJson(refused))).toMatch(/host name/);
    const patched = await readJson<{ imageHosts: string[] }>(await call('PATCH', { imageHosts: [] }));
    expect(patched.imageHosts).toEqual([]);
    expect((await readJson<{ imageHosts: string[] }>(await call('GET'))).imageHosts).toEqual([]);
    expect(await ask('How do I export my notes?')).not.toContain('![');
  });
});

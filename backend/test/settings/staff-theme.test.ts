import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTheme, ROUTES, STAFF_THEME_ROUTES as R, type AdminThemeResponse, type StaffThemeResponse, type WidgetConfigResponse } from '@prex/protocol';
import { ADMIN_THEME_ROUTE } from '../../src/settings/theme.js';
import { ALLOWED_ORIGIN, readJson, type TestApp, type TestTenant } from '../helpers/app.js';
import { startStaffWorkspaces, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Theme page through the staff API: owners and admins read and store the widget
 * theme with the admin API's rules (a colour pair under AA contrast is refused, naming it), the
 * next widget load draws with it, and every call serves the signed-in staff member's own tenant.
 */

let a: TestApp;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherOwner: StaffBrowser;

beforeAll(async () => {
  ({ app: a, owner, admin, agent, other, otherOwner } = await startStaffWorkspaces('theme'));
});

afterAll(async () => {
  await a?.close();
});

const widgetConfig = async (publishableKey: string) => {
  const res = await fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': publishableKey, origin: ALLOWED_ORIGIN } });
  expect(res.status).toBe(200);
  return { cacheControl: res.headers.get('cache-control'), body: await readJson<WidgetConfigResponse>(res) };
};
const adminTheme = async (secretKey: string) =>
  readJson<AdminThemeResponse>(await fetch(`${a.url}${ADMIN_THEME_ROUTE}`, { headers: { authorization: `Bearer ${secretKey}` } }));

describe('staff theme: roles', () => {
  it('an agent gets 403 from both routes and changes nothing', async () => {
    for (const [method, body] of [['GET', undefined], ['PUT', { accentColor: '#0f766e' }]] as const) {
      const res = await agent.call(method, R.theme, body);
      expect(res.status, method).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/owner or admin/);
    }
    expect((await adminTheme(a.secretKey)).stored).toEqual({});
  });

  it('signed out, or without the CSRF token, nothing is read or stored', async () => {
    expect((await fetch(`${a.url}${R.theme}`)).status).toBe(401);
    const noCsrf = await owner.call('PUT', R.theme, { accentColor: '#0f766e' }, { csrf: null });
    expect(noCsrf.status).toBe(403);
    expect((await adminTheme(a.secretKey)).stored).toEqual({});
  });

  it('an admin reads the stored theme, the theme the widget draws with and the defaults, never cached', async () => {
    const res = await admin.call('GET', R.theme);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await readJson<StaffThemeResponse>(res)).toEqual({ stored: {}, theme: defaultTheme, defaults: defaultTheme });
  });
});

describe('staff theme: storing', () => {
  it('an owner stores a partial theme; the admin API and the next widget config load see it at once', async () => {
    const theme = { accentColor: '#0f766e', backgroundColor: '#fffbeb', textColor: '#1f2937', colorScheme: 'light', title: ' Acme help ', suggestions: ['Where is my order?'], customCss: '.prex-title { letter-spacing: 0.02em }' };
    const res = await owner.call('PUT', R.theme, theme);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const saved = await readJson<StaffThemeResponse>(res);
    expect(saved.stored).toEqual({ ...theme, title: 'Acme help', customCss: '.prex-title{letter-spacing:0.02em}' });
    expect(saved.theme).toEqual({ ...defaultTheme, ...saved.stored });
    expect(saved.defaults).toEqual(defaultTheme);

    expect((await adminTheme(a.secretKey)).stored).toEqual(saved.stored);
    const config = await widgetConfig(a.publishableKey);
    // Not cached anywhere: a visitor page loaded after the save draws the new theme.
    expect(config.cacheControl).toBe('no-store');
    expect(config.body.theme).toMatchObject({ accentColor: '#0f766e', backgroundColor: '#fffbeb', title: 'Acme help' });

    // Storing replaces: a field left out goes back to its default.
    const replaced = await readJson<StaffThemeResponse>(await admin.call('PUT', R.theme, { accentColor: '#b45309' }));
    expect(replaced.stored).toEqual({ accentColor: '#b45309' });
    expect((await widgetConfig(a.publishableKey)).body.theme).toEqual({ ...defaultTheme, accentColor: '#b45309' });
  });

  it('refuses text and background under WCAG AA contrast with a 400 that names the pair and the ratio, storing nothing', async () => {
    const before = (await adminTheme(a.secretKey)).stored;
    const cases: Array<[unknown, RegExp]> = [
      [{ backgroundColor: '#777777', textColor: '#888888' }, /textColor #888888 on backgroundColor #777777 has a contrast ratio of 1\.\d\d:1; WCAG AA needs at least 4\.5:1/],
      // One colour against the scheme's default: dark text on the dark scheme's background.
      [{ colorScheme: 'dark', textColor: '#374151' }, /textColor #374151 on the dark scheme's background #111827/],
      // 'auto' must read under both schemes.
      [{ colorScheme: 'auto', backgroundColor: '#f3f4f6' }, /the dark scheme's text #f9fafb on backgroundColor #f3f4f6/],
    ];
    for (const [body, message] of cases) {
      const res = await owner.call('PUT', R.theme, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(message);
    }
    expect((await adminTheme(a.secretKey)).stored).toEqual(before);
  });

  it('refuses a malformed field with a 400 naming it', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ accentColor: 'teal' }, /#rrggbb/],
      [{ cornerRadius: 33 }, /cornerRadius/],
      [{ offsetX: -1 }, /offsetX/],
      [{ launcherIcon: 'rocket' }, /launcherIcon/],
      [{ avatarUrl: 'javascript:alert(1)' }, /avatarUrl must be an http\(s\) URL/],
      [{ suggestions: ['a', 'b', 'c', 'd', 'e'] }, /suggestions/],
      [{ customCss: '.prex-pane { background: url(https://evil.example/x.png) }' }, /tenant CSS/],
      [{ fontFamily: 'x; color: red' }, /font family/],
      [['#0f766e'], /object/],
    ];
    for (const [body, message] of cases) {
      const res = await owner.call('PUT', R.theme, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await readJson(res)), JSON.stringify(body)).toMatch(message);
    }
  });
});

describe('staff theme: tenant isolation', () => {
  it("another tenant's owner reads and changes only their own theme", async () => {
    await owner.call('PUT', R.theme, { accentColor: '#0f766e' });
    const theirs = await readJson<StaffThemeResponse>(await otherOwner.call('GET', R.theme));
    expect(theirs.stored).toEqual({});

    expect((await otherOwner.call('PUT', R.theme, { accentColor: '#be123c', title: 'Other help' })).status).toBe(200);
    expect((await adminTheme(a.secretKey)).stored).toEqual({ accentColor: '#0f766e' });
    expect((await widgetConfig(a.publishableKey)).body.theme.accentColor).toBe('#0f766e');
    expect((await adminTheme(other.secretKey)).stored).toEqual({ accentColor: '#be123c', title: 'Other help' });
    expect((await readJson<StaffThemeResponse>(await owner.call('GET', R.theme))).stored).toEqual({ accentColor: '#0f766e' });
  });
});

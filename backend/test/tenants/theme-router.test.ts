import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminThemeResponseSchema, errorBodySchema, widgetConfigResponseSchema } from '@prex/protocol';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

function theme(init: RequestInit & { secret?: string } = {}) {
  const { secret = app.secretKey, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (secret) headers.set('Authorization', `Bearer ${secret}`);
  if (rest.body) headers.set('Content-Type', 'application/json');
  return fetch(`${app.url}/v1/admin/theme`, { ...rest, headers });
}

describe('admin theme', () => {
  it('needs the secret key', async () => {
    expect((await theme({ secret: '' })).status).toBe(401);
    expect((await theme({ secret: app.publishableKey })).status).toBe(401);
    expect((await theme({ method: 'PUT', secret: app.publishableKey, body: '{}' })).status).toBe(401);
  });

  it('PUT stores a validated theme that GET and the widget config return', async () => {
    const body = {
      accentColor: '#0f766e',
      backgroundColor: '#fffbeb',
      textColor: '#1c1917',
      fontFamily: 'Georgia, serif',
      cornerRadius: 8,
      position: 'left',
      offsetX: 32,
      offsetY: 24,
      launcherIcon: 'help',
      launcherLabel: 'Help',
      title: 'Acme help',
      avatarUrl: 'https://cdn.acme.example/avatar.png',
      greeting: 'Hello!',
      suggestions: ['Where is my order?', 'Refunds'],
      colorScheme: 'auto',
      customCss: '/* brand */ .prex-header { background: #eee; letter-spacing: 1px }',
    };
    // auto = both schemes: dark text on light background is what the tenant asked for, checked as a pair
    const res = await theme({ method: 'PUT', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const saved = adminThemeResponseSchema.parse(await readJson(res));
    expect(saved.stored).toMatchObject({ ...body, customCss: '.prex-header{background:#eee;letter-spacing:1px}' });
    expect(saved.theme.title).toBe('Acme help');

    const got = adminThemeResponseSchema.parse(await readJson(await theme()));
    expect(got).toEqual(saved);

    const cfg = widgetConfigResponseSchema.parse(await readJson(await app.request('/v1/widget/config', { key: true })));
    expect(cfg.theme).toMatchObject({ accentColor: '#0f766e', position: 'left', suggestions: ['Where is my order?', 'Refunds'], customCss: '.prex-header{background:#eee;letter-spacing:1px}' });
  });

  it('refuses tenant CSS that could fetch from another host, naming the property, and stores nothing', async () => {
    const hostile: [string, RegExp][] = [
      ['.prex-pane{cursor:image-set("https://evil.example/c.png" 1x), auto}', /customCss: tenant CSS cursor: .* calls image-set\(\)/],
      ['.prex-pane{cursor:-webkit-image-set(url(https://evil.example/c.png) 1x), auto}', /customCss: tenant CSS cursor: .* calls -webkit-image-set\(\)/],
      ['.prex-header{background:#eee image-set("https://evil.example/b.png" 1x)}', /customCss: tenant CSS background: .* calls image-set\(\)/],
      ['.prex-header{mask-image:image-set("https://evil.example/m.png" 1x)}', /customCss: tenant CSS mask-image is not a property tenant CSS may set/],
      ['@import url(https://evil.example/x.css); .prex-header{color:red}', /customCss: tenant CSS @import is not allowed/],
      ['.prex-header{color:red', /customCss: tenant CSS is not valid CSS/],
    ];
    for (const [customCss, message] of hostile) {
      const res = await theme({ method: 'PUT', body: JSON.stringify({ customCss }) });
      expect(res.status, customCss).toBe(400);
      const err = errorBodySchema.parse(await readJson(res));
      expect(err.error.message, customCss).toMatch(message);
    }
    expect(adminThemeResponseSchema.parse(await readJson(await theme())).stored.customCss).toBe('.prex-header{background:#eee;letter-spacing:1px}');
  });

  it('a sheet stored under the old deny-list that fails the allow-list is dropped on read, the rest of the theme kept', async () => {
    await app.db.query(`update tenants set theme = theme || $2::jsonb where id = $1`, [app.tenant.id, JSON.stringify({ customCss: '.a{cursor:image-set("https://evil.example/c.png" 1x), auto}' })]);
    const got = adminThemeResponseSchema.parse(await readJson(await theme()));
    expect(got.stored.customCss).toBeUndefined();
    expect(got.stored.accentColor).toBe('#0f766e');
    const cfg = widgetConfigResponseSchema.parse(await readJson(await app.request('/v1/widget/config', { key: true })));
    expect(cfg.theme.customCss).toBeUndefined();
    expect(cfg.theme.accentColor).toBe('#0f766e');
  });

  it('refuses text/background pairs under WCAG AA, naming the pair and its ratio', async () => {
    const res = await theme({ method: 'PUT', body: JSON.stringify({ backgroundColor: '#ffffff', textColor: '#aaaaaa' }) });
    expect(res.status).toBe(400);
    const err = errorBodySchema.parse(await readJson(res));
    expect(err.error.message).toMatch(/textColor #aaaaaa on backgroundColor #ffffff has a contrast ratio of 2\.32:1; WCAG AA needs at least 4\.5:1/);
    // one colour alone is checked against the scheme's default for the other
    const alone = errorBodySchema.parse(await readJson(await theme({ method: 'PUT', body: JSON.stringify({ backgroundColor: '#1f2937' }) })));
    expect(alone.error.message).toMatch(/the light scheme's text #111827 on backgroundColor #1f2937/);
    // nothing was stored
    expect(adminThemeResponseSchema.parse(await readJson(await theme())).stored.textColor).toBe('#1c1917');
  });

  it('refuses other invalid fields with a 400 listing them', async () => {
    for (const bad of [{ avatarUrl: 'javascript:alert(1)' }, { launcherIcon: 'skull' }, { fontFamily: 'x;}body{color:red' }, { suggestions: ['a', 'b', 'c', 'd', 'e'] }, { cornerRadius: 99 }]) {
      const res = await theme({ method: 'PUT', body: JSON.stringify(bad) });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('PUT {} resets to the defaults', async () => {
    const res = adminThemeResponseSchema.parse(await readJson(await theme({ method: 'PUT', body: '{}' })));
    expect(res.stored).toEqual({});
    expect(res.theme.title).toBe('Support');
  });
});

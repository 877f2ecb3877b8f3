import { afterEach, describe, expect, it } from 'vitest';
import { createEmitter } from '../src/events.js';
import { mount, type PaneHandle } from '../src/mount.js';
import { contrastRatio as contrast } from '@prex/protocol/wire';
import { sanitizeTenantCss as sanitizeCss } from '../src/tenant-css.js';
import { resolveTheme } from '../src/theme.js';
import { until } from './fakes.js';

const PK = 'pk_test_tenant_theme';

function fakeFetch(theme: Record<string, unknown>) {
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = new URL(String(input)).pathname;
    const json =
      path === '/v1/widget/config'
        ? { tenant: { name: 'T' }, theme: { ...resolveTheme(), ...theme } }
        : path === '/v1/sessions' && init.method === 'POST'
          ? { sessionId: 's1', token: 's1.t.4102444800.x', expiresAt: '2099-01-01T00:00:00.000Z' }
          : { sessionId: 's1', messages: [] };
    return { ok: true, status: 200, json: async () => json, body: null } as unknown as Response;
  }) as typeof fetch;
}

let handle: PaneHandle | undefined;
afterEach(() => {
  handle?.destroy();
  handle = undefined;
  document.body.innerHTML = '';
  localStorage.clear();
});

describe('resolveTheme', () => {
  it('layers defaults ← tenant ← host override and rejects unsafe values', () => {
    const t = resolveTheme(
      { accentColor: '#0f766e', fontFamily: 'Georgia, serif', cornerRadius: 4, suggestions: ['a', ' b ', '', 'c', 'd', 'e'] },
      { accentColor: 'red', position: 'left', avatarUrl: 'javascript:alert(1)', fontFamily: 'x;}*{color:red', cornerRadius: 999 } as never,
    );
    expect(t.accentColor).toBe('#0f766e');
    expect(t.position).toBe('left');
    expect(t.avatarUrl).toBeUndefined();
    expect(t.fontFamily).toBe('Georgia, serif');
    expect(t.cornerRadius).toBe(4);
    expect(t.suggestions).toEqual(['a', 'b', 'c', 'd']);
  });

  it('auto-corrects a text/background pair under WCAG AA', () => {
    const t = resolveTheme({ backgroundColor: '#ffffff', textColor: '#cccccc' });
    expect(t.textColor).toBe('#111827');
    expect(contrast(t.textColor!, t.backgroundColor!)).toBeGreaterThanOrEqual(4.5);
    const dark = resolveTheme({ backgroundColor: '#1f2937' });
    expect(dark.textColor).toBe('#ffffff');
    expect(resolveTheme({ backgroundColor: '#fffbeb', textColor: '#1c1917' }).textColor).toBe('#1c1917');
  });

  it('keeps only allow-listed tenant CSS: style rules and @media, safe properties, values that fetch nothing', () => {
    const hostile = [
      '@import "https://evil.example/x.css";',
      '/* hi */ .a{background:url(https://evil.example/p.png)}</style>',
      '.b{background-image:image-set("https://evil.example/i.png" 1x)}',
      '.c{cursor:-webkit-image-set(url(https://evil.example/c.png) 1x), auto}',
      '.d{color:var(--host-secret)}',
      '.e{position:fixed;inset:0;z-index:2147483647}',
      '@font-face{font-family:x;src:url(https://evil.example/f.woff)}',
    ].join('\n');
    const kept = sanitizeCss(hostile);
    expect(kept).not.toMatch(/evil\.example|url\(|image-set|@import|@font-face|var\(--host|position|z-index/);
    expect(sanitizeCss('.prex-title{letter-spacing:2px;color:#b45309 !important} @media (max-width: 480px){.prex-title{font-family:"Segoe UI", serif}}')).toBe(
      '.prex-title{letter-spacing:2px;color:#b45309!important}@media (max-width: 480px){.prex-title{font-family:"Segoe UI", serif}}',
    );
  });
});

describe('mount: theme, events, runtime API', () => {
  it('applies the tenant theme as custom properties, adopts tenant CSS in the pane shadow root only, emits open/close/ready', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    const events = createEmitter();
    const seen: string[] = [];
    for (const n of ['ready', 'open', 'close'] as const) events.on(n, () => seen.push(n));
    const themes: string[] = [];
    handle = mount({
      root: el,
      publishableKey: PK,
      apiBase: 'https://api.prex.test',
      fetch: fakeFetch({ accentColor: '#0f766e', cornerRadius: 4, offsetX: 40, customCss: '.prex-title{letter-spacing:2px}' }),
      storage: localStorage,
      emit: events.emit,
      onTheme: (t) => themes.push(t.accentColor),
    });
    const shadow = el.querySelector('prex-pane')!.shadowRoot!;
    const pane = shadow.querySelector<HTMLElement>('[data-testid="prex-pane"]')!;
    await until(() => pane.style.getPropertyValue('--prex-accent') === '#0f766e');
    expect(pane.style.getPropertyValue('--prex-radius')).toBe('4px');
    expect(pane.style.getPropertyValue('--prex-offset-x')).toBe('40px');
    await until(() => seen.includes('ready'));
    const sheets = () => shadow.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join(''));
    // The tenant CSS filter is a lazy chunk: the sheet is adopted once it has loaded.
    await until(() => sheets().some((c) => c.includes('letter-spacing')));
    expect(document.adoptedStyleSheets.length).toBe(0);

    handle.open();
    handle.close();
    await until(() => seen.includes('close'));
    expect(seen).toEqual(['ready', 'open', 'close']);

    handle.update({ theme: { accentColor: '#b45309', customCss: '' } });
    await until(() => pane.style.getPropertyValue('--prex-accent') === '#b45309');
    expect(themes.at(-1)).toBe('#b45309');
    expect(sheets().some((c) => c.includes('letter-spacing'))).toBe(false);
    // the tenant's values stay under the new override
    expect(pane.style.getPropertyValue('--prex-radius')).toBe('4px');

    handle.identify({ id: 'u1' }, 'sig');
    expect(handle.identity).toEqual({ user: { id: 'u1' }, signature: 'sig' });
  });

  it('named instances keep their session under their own storage key', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    handle = mount({ root: el, publishableKey: PK, apiBase: 'https://api.prex.test', fetch: fakeFetch({}), storage: localStorage, namespace: 'Support' });
    await until(() => localStorage.getItem(`prex:Support:${PK}:session`) !== null);
    expect(localStorage.getItem(`prex:${PK}:session`)).toBeNull();
  });

  it('<prex-chat> mounts an inline, always-open pane and dispatches prex:* events', async () => {
    expect(customElements.get('prex-chat')).toBeDefined();
    const el = document.createElement('prex-chat');
    el.setAttribute('publishable-key', PK);
    el.setAttribute('api-base', 'https://api.prex.test');
    const ready = new Promise((r) => el.addEventListener('prex:ready', r));
    const orig = globalThis.fetch;
    globalThis.fetch = fakeFetch({});
    try {
      document.body.append(el);
      const pane = el.shadowRoot!.querySelector('prex-pane')!.shadowRoot!.querySelector<HTMLElement>('[data-testid="prex-pane"]')!;
      await until(() => pane.dataset.open === 'true');
      await ready;
      el.remove();
      expect(el.shadowRoot!.querySelector('prex-pane')).toBeNull();
    } finally {
      globalThis.fetch = orig;
    }
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MountOptions, PaneHandle, PaneModule } from '@prex/protocol/embed';
import { install, type PrexFunction, type PrexWindow } from '../src/loader.js';

const win = window as unknown as PrexWindow;
const PK = 'pk_demo_northwind';

function fakePane() {
  const handle = { open: vi.fn(), close: vi.fn(), toggle: vi.fn(), destroy: vi.fn(), update: vi.fn(), identify: vi.fn(), identity: undefined, draft: vi.fn() } satisfies PaneHandle;
  const mounts: MountOptions[] = [];
  const mod: PaneModule = {
    mount: (o) => {
      mounts.push(o);
      return handle;
    },
  };
  const load = vi.fn(async (_url: string) => mod);
  return { handle, mounts, load };
}

function scriptTag(attrs: Record<string, string>) {
  const s = document.createElement('script');
  s.setAttribute('src', 'https://prex.example/loader.js');
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  document.head.append(s);
  return s;
}

const launcher = () => document.querySelector('prex-launcher');
const button = () => launcher()!.shadowRoot!.querySelector('button')!;
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  // instances keep their launcher attached (SPA re-renders): shut the previous test's down
  if (win.Prex?.loaded) win.Prex('shutdown');
  delete win.Prex;
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => vi.restoreAllMocks());

describe('loader', () => {
  it('boots from the script tag and draws only an accessible launcher: zero pane bytes before intent', async () => {
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    expect(launcher()).not.toBeNull();
    const b = button();
    expect(b.getAttribute('aria-label')).toBe('Open support chat');
    expect(b.getAttribute('aria-expanded')).toBe('false');
    expect(b.type).toBe('button');
    expect(b.getAttribute('aria-haspopup')).toBe('dialog');
    await flush();
    expect(pane.load).not.toHaveBeenCalled();

    b.click();
    expect(pane.load).toHaveBeenCalledTimes(1);
    expect(pane.load).toHaveBeenCalledWith('https://prex.example/widget/pane.js');
    expect(b.getAttribute('aria-expanded')).toBe('true');
    await flush();
    expect(pane.mounts).toHaveLength(1);
    const m = pane.mounts[0]!;
    expect(m.root).toBe(launcher()!.shadowRoot);
    expect(m.publishableKey).toBe(PK);
    expect(m.apiBase).toBe('https://prex.example');
    expect(pane.handle.open).toHaveBeenCalledTimes(1);

    b.click(); // close, then open again: no second import or mount
    expect(pane.handle.close).toHaveBeenCalledTimes(1);
    expect(b.getAttribute('aria-expanded')).toBe('false');
    b.click();
    await flush();
    expect(pane.load).toHaveBeenCalledTimes(1);
    expect(pane.mounts).toHaveLength(1);
    expect(pane.handle.open).toHaveBeenCalledTimes(2);

    // the pane closing itself resets the launcher
    m.onClose!();
    expect(b.getAttribute('aria-expanded')).toBe('false');
  });

  it('replays the queued calls in order, then replaces the stub; unknown commands only warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // the documented stub: window.Prex=window.Prex||function(){(Prex.q=Prex.q||[]).push(arguments)}
    const stub: PrexFunction = function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      (stub.q = stub.q || []).push(arguments);
    } as unknown as PrexFunction;
    win.Prex = stub;
    win.Prex('boot', { publishableKey: PK, apiBase: 'https://api.prex.test/', theme: { accentColor: '#0f766e', launcherLabel: 'Help' } });
    win.Prex('frobnicate');
    win.Prex('open');

    const pane = fakePane();
    const real = install(win, null, pane.load);
    expect(win.Prex).toBe(real);
    expect(win.Prex).not.toBe(stub);
    expect(warn).toHaveBeenCalledWith('[Prex]', 'unknown command', 'frobnicate');
    expect(pane.load).toHaveBeenCalledWith('https://api.prex.test/widget/pane.js');
    expect(button().getAttribute('aria-label')).toBe('Help');
    await flush();
    expect(pane.mounts[0]!.theme).toEqual({ accentColor: '#0f766e', launcherLabel: 'Help' });
    expect(pane.handle.open).toHaveBeenCalled();

    expect(() => win.Prex!('nope', 1, 2)).not.toThrow();
    win.Prex!('close');
    expect(pane.handle.close).toHaveBeenCalled();
    win.Prex!('toggle');
    expect(pane.handle.open).toHaveBeenCalledTimes(2);
  });

  it('an `open` queued before `boot` waits for it', async () => {
    const pane = fakePane();
    win.Prex = Object.assign(() => {}, { q: [['open'], ['boot', { publishableKey: PK, apiBase: 'https://api.prex.test' }]] as unknown as ArrayLike<unknown>[] });
    install(win, null, pane.load);
    await flush();
    expect(pane.load).toHaveBeenCalledTimes(1);
    expect(pane.handle.open).toHaveBeenCalled();
  });

  it('data-prex-api overrides the backend origin; data-prex-prefetch="idle" fetches the pane but mounts nothing', async () => {
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK, 'data-prex-api': 'https://api.other.test', 'data-prex-prefetch': 'idle' }), pane.load);
    await new Promise((r) => setTimeout(r, 20));
    expect(pane.load).toHaveBeenCalledWith('https://api.other.test/widget/pane.js');
    expect(pane.mounts).toHaveLength(0);
    button().click();
    await flush();
    expect(pane.load).toHaveBeenCalledTimes(1); // the prefetched module is reused
    expect(pane.mounts).toHaveLength(1);
  });

  it('the first sign of intent (pointer over the launcher, keyboard focus) fetches the pane; the click only mounts it', async () => {
    for (const intent of ['pointerenter', 'focus']) {
      if (win.Prex?.loaded) win.Prex('shutdown');
      delete win.Prex;
      const pane = fakePane();
      install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
      await flush();
      expect(pane.load).not.toHaveBeenCalled(); // zero pane bytes before intent
      button().dispatchEvent(new Event(intent));
      button().dispatchEvent(new Event(intent)); // again: still one fetch
      expect(pane.load).toHaveBeenCalledTimes(1);
      await flush();
      expect(pane.mounts).toHaveLength(0);
      expect(button().getAttribute('aria-expanded')).toBe('false');
      button().click();
      await flush();
      expect(pane.load).toHaveBeenCalledTimes(1);
      expect(pane.mounts).toHaveLength(1);
    }
  });

  it('hands the pane the agent named by data-prex-agent or by boot()', async () => {
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK, 'data-prex-agent': 'sales' }), pane.load);
    button().click();
    await flush();
    expect(pane.mounts[0]).toMatchObject({ publishableKey: PK, agent: 'sales' });

    win.Prex!('shutdown');
    const booted = fakePane();
    document.head.innerHTML = '';
    delete win.Prex;
    install(win, null, booted.load);
    win.Prex!('boot', { publishableKey: PK, apiBase: 'https://prex.example', agent: 'billing' });
    win.Prex!('open');
    await flush();
    expect(booted.mounts[0]).toMatchObject({ publishableKey: PK, agent: 'billing' });
  });

  it('shutdown removes the UI and clears the stored session (of this key only)', async () => {
    const pane = fakePane();
    localStorage.setItem(`prex:${PK}:session`, 'tok');
    localStorage.setItem(`prex:${PK}:sessions`, '["tok"]');
    localStorage.setItem('prex:pk_other_tenant:session', 'other');
    install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    button().click();
    await flush();
    win.Prex!('shutdown');
    expect(launcher()).toBeNull();
    expect(pane.handle.destroy).toHaveBeenCalled();
    expect(localStorage.getItem(`prex:${PK}:session`)).toBeNull();
    expect(localStorage.getItem(`prex:${PK}:sessions`)).toBeNull();
    expect(localStorage.getItem('prex:pk_other_tenant:session')).toBe('other');
    // booting again draws a fresh launcher
    win.Prex!('boot', { publishableKey: PK });
    expect(launcher()).not.toBeNull();
  });

  it('defends the host element against hostile page CSS with !important :host rules in an adopted sheet', () => {
    install(win, scriptTag({ 'data-prex-key': PK }), fakePane().load);
    const root = launcher()!.shadowRoot!;
    expect(root.querySelector('style')).toBeNull();
    const css = root.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    expect(css).toMatch(/:host\s*\{[^}]*all:\s*initial\s*!important/);
    expect(css).toMatch(/position:\s*fixed\s*!important/);
    expect(css).toMatch(/z-index:\s*2147483000\s*!important/);
    expect(button().hasAttribute('style')).toBe(false);
  });

  it('paints the brand colour and side from data-prex-color / data-prex-position before any fetch', async () => {
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK, 'data-prex-color': '#0f766e', 'data-prex-position': 'left' }), pane.load);
    const css = () => launcher()!.shadowRoot!.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    expect(css()).toMatch(/--a:\s*#0f766e/);
    expect(launcher()!.getAttribute('data-side')).toBe('left');
    expect(pane.load).not.toHaveBeenCalled();
    // a runtime update before the pane has loaded restyles on top of them, not instead
    win.Prex!('update', { theme: { launcherLabel: 'Help' } });
    expect(css()).toMatch(/--a:\s*#0f766e/);
    expect(button().getAttribute('aria-label')).toBe('Help');
    // the pane gets the same bits as its first theme layer (the tenant's config replaces them)
    button().click();
    await flush();
    expect(pane.mounts[0]!.hint).toMatchObject({ accentColor: '#0f766e', position: 'left' });
    expect(pane.mounts[0]!.theme).toEqual({ launcherLabel: 'Help' });
  });

  it('the last visit\'s tenant theme wins over the script attributes; a malformed colour is ignored', () => {
    localStorage.setItem(`prex:${PK}:theme`, JSON.stringify({ accentColor: '#be123c' }));
    install(win, scriptTag({ 'data-prex-key': PK, 'data-prex-color': '#0f766e' }), fakePane().load);
    const css = launcher()!.shadowRoot!.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    expect(css).toMatch(/--a:\s*#be123c/);
    win.Prex!('shutdown');
    localStorage.clear();
    document.head.innerHTML = '';
    delete win.Prex;
    install(win, scriptTag({ 'data-prex-key': PK, 'data-prex-color': 'red;background:url(x)', 'data-prex-position': 'top' }), fakePane().load);
    const css2 = launcher()!.shadowRoot!.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    expect(css2).not.toMatch(/--a:|url\(/);
    expect(launcher()!.getAttribute('data-side')).toBe('right');
  });

  it('an open pane is open again after a reload (this tab only), without taking the focus; a closed one stays closed', async () => {
    const first = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK }), first.load);
    button().click();
    await flush();
    expect(first.mounts[0]!.open).toBe(false); // opened by the visitor: the pane moves focus in

    // "reload": a fresh loader in the same tab
    const reload = (pane = fakePane()) => {
      // the old page's instance goes away; what the tab stored survives
      const kept = Object.entries(sessionStorage);
      win.Prex!('shutdown');
      for (const [k, v] of kept) sessionStorage.setItem(k, v);
      delete win.Prex;
      document.head.innerHTML = '';
      install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
      return pane;
    };
    const second = reload();
    expect(second.load).toHaveBeenCalledTimes(1);
    expect(button().getAttribute('aria-expanded')).toBe('true');
    await flush();
    expect(second.mounts[0]!.open).toBe(true);

    button().click(); // closed by the visitor
    const third = reload();
    await flush();
    expect(third.load).not.toHaveBeenCalled();
    expect(button().getAttribute('aria-expanded')).toBe('false');
    expect(localStorage.getItem(`prex:${PK}:open`)).toBeNull(); // never kept across tabs or days
  });

  it('a second copy of the loader leaves the first alone', () => {
    const pane = fakePane();
    const first = install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    const second = install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    expect(second).toBe(first);
    expect(document.querySelectorAll('prex-launcher')).toHaveLength(1);
  });
});

describe('loader JS API', () => {
  const boot = (pane = fakePane(), ns?: string) => {
    const p = install(win, null, pane.load, ns);
    p('boot', { publishableKey: PK, apiBase: 'https://api.prex.test' });
    return { p, pane };
  };

  it("on() subscribes to the pane's events and returns an unsubscribe; a throwing listener is contained", async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { p, pane } = boot();
    const seen: unknown[] = [];
    const off = p('on', 'message:received', (m: unknown) => seen.push(m)) as () => void;
    p('on', 'message:received', () => {
      throw new Error('boom');
    });
    p('open');
    await flush();
    const emit = pane.mounts[0]!.emit!;
    emit('message:received', { messageId: 'm1', text: 'Hi', status: 'complete' });
    off();
    emit('message:received', { messageId: 'm2', text: 'Again', status: 'complete' });
    expect(seen).toEqual([{ messageId: 'm1', text: 'Hi', status: 'complete' }]);
    expect(err).toHaveBeenCalled();
  });

  it('draws an unread badge from unread:change', async () => {
    const { p, pane } = boot();
    p('open');
    await flush();
    const badge = launcher()!.shadowRoot!.querySelector<HTMLElement>('button > b')!;
    expect(badge.hidden).toBe(true);
    pane.mounts[0]!.emit!('unread:change', { count: 2 });
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('2');
    pane.mounts[0]!.emit!('unread:change', { count: 12 });
    expect(badge.textContent).toBe('9+');
    pane.mounts[0]!.emit!('unread:change', { count: 0 });
    expect(badge.hidden).toBe(true);
  });

  it('while a person has the conversation (the pane\'s "live" mark), the pane loads closed at boot so the badge can count their replies', async () => {
    localStorage.setItem(`prex:${PK}:live`, 'msg_last_seen');
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    // no busy launcher: the visitor asked for nothing
    expect(button().hasAttribute('aria-busy')).toBe(false);
    await flush();
    expect(pane.load).toHaveBeenCalledTimes(1);
    expect(pane.mounts).toHaveLength(1);
    expect(pane.handle.open).not.toHaveBeenCalled();
    expect(button().getAttribute('aria-expanded')).toBe('false');
    pane.mounts[0]!.emit!('unread:change', { count: 1 });
    expect(launcher()!.shadowRoot!.querySelector<HTMLElement>('button > b')!.textContent).toBe('1');
    // the click opens the pane already there
    button().click();
    expect(pane.handle.open).toHaveBeenCalledTimes(1);
    expect(pane.load).toHaveBeenCalledTimes(1);
  });

  it('another tenant\'s or instance\'s live mark does not load this pane', async () => {
    localStorage.setItem('prex:pk_other_tenant:live', 'msg_1');
    localStorage.setItem(`prex:Support:${PK}:live`, 'msg_1');
    const pane = fakePane();
    install(win, scriptTag({ 'data-prex-key': PK }), pane.load);
    await flush();
    expect(pane.load).not.toHaveBeenCalled();
  });

  it('identify and update reach the pane (identify also when it mounts later); update restyles the launcher', async () => {
    const pane = fakePane();
    const identify = vi.fn();
    const update = vi.fn();
    Object.assign(pane.handle, { identify, update });
    const { p } = boot(pane);
    p('identify', { id: 'u1', email: 'a@b.c' }, 'sig');
    p('open');
    await flush();
    expect(identify).toHaveBeenCalledWith({ id: 'u1', email: 'a@b.c' }, 'sig');
    p('update', { theme: { launcherLabel: 'Hilfe', position: 'left', launcherIcon: 'help', offsetX: 40 }, locale: 'de' });
    expect(update).toHaveBeenCalledWith({ theme: { launcherLabel: 'Hilfe', position: 'left', launcherIcon: 'help', offsetX: 40 }, locale: 'de' });
    expect(button().getAttribute('aria-label')).toBe('Hilfe');
    expect(launcher()!.getAttribute('data-side')).toBe('left');
    expect(button().querySelector('path')?.getAttribute('d')).toMatch(/^M3 12a9 9/); // the help icon's circle
    const css = launcher()!.shadowRoot!.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('')).join('');
    expect(css).toMatch(/--x:\s*40px/);
  });

  it("'ready' comes at boot, before any open (a listener queued before the loader arrived hears it); the pane's own follows with the session", async () => {
    const heard: unknown[] = [];
    const stub: PrexFunction = function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      (stub.q = stub.q || []).push(arguments);
    } as unknown as PrexFunction;
    win.Prex = stub;
    win.Prex('on', 'ready', (e: unknown) => heard.push(e));
    win.Prex('boot', { publishableKey: PK, apiBase: 'https://api.prex.test' });
    const pane = fakePane();
    const p = install(win, null, pane.load);
    expect(heard).toEqual([{}]);
    expect(pane.load).not.toHaveBeenCalled();
    p('open');
    await flush();
    pane.mounts[0]!.emit!('ready', { sessionId: 'ses_1' });
    expect(heard).toEqual([{}, { sessionId: 'ses_1' }]);
  });

  it('showNewMessage opens with the text in the composer, whether the pane was loaded or not', async () => {
    const pane = fakePane();
    const { p } = boot(pane);
    p('showNewMessage', 'My order #42 has not arrived');
    await flush();
    expect(pane.mounts[0]!.draft).toBe('My order #42 has not arrived');
    expect(pane.handle.open).toHaveBeenCalled();
    expect(p('isOpen')).toBe(true);
    p('close');
    expect(p('isOpen')).toBe(false);
    p('showNewMessage', 'And a refund?');
    expect(pane.handle.draft).toHaveBeenCalledWith('And a refund?');
    expect(p('isOpen')).toBe(true);
  });

  it("unreadCount follows the pane's count (the badge); isOpen the pane", async () => {
    const pane = fakePane();
    const { p } = boot(pane);
    expect(p('isOpen')).toBe(false);
    expect(p('unreadCount')).toBe(0);
    p('open');
    await flush();
    pane.mounts[0]!.emit!('unread:change', { count: 3 });
    expect(p('unreadCount')).toBe(3);
    expect(button().querySelector('b')!.textContent).toBe('3');
  });

  it('hideLauncher at boot: no launcher button, and the page still opens the pane', async () => {
    const pane = fakePane();
    const p = install(win, null, pane.load);
    p('boot', { publishableKey: PK, apiBase: 'https://prex.example', hideLauncher: true });
    expect(button().hidden).toBe(true);
    expect(getComputedStyle(button()).display).toBe('none');
    p('open');
    await flush();
    expect(pane.handle.open).toHaveBeenCalled();
  });

  it('puts the launcher back when a SPA re-renders <body>', async () => {
    boot();
    document.body.innerHTML = '<main>new route</main>';
    await flush();
    expect(launcher()).not.toBeNull();
    expect(launcher()!.isConnected).toBe(true);
  });

  it('named instances are separate: own global, launcher and storage keys', async () => {
    const w = win as unknown as Record<string, PrexFunction | undefined>;
    delete w.Support;
    const a = fakePane();
    const b = fakePane();
    boot(a);
    const s = install(win, null, b.load, 'Support');
    s('boot', { publishableKey: PK, apiBase: 'https://api2.prex.test' });
    expect(w.Support).toBe(s);
    expect(win.Prex).not.toBe(s);
    expect(document.querySelectorAll('prex-launcher')).toHaveLength(2);
    expect(document.querySelector('prex-launcher[data-prex-namespace="Support"]')).not.toBeNull();
    s('open');
    await flush();
    expect(b.load).toHaveBeenCalledWith('https://api2.prex.test/widget/pane.js');
    expect(a.load).not.toHaveBeenCalled();
    expect(b.mounts[0]!.namespace).toBe('Support');
    localStorage.setItem(`prex:Support:${PK}:session`, 't2');
    localStorage.setItem(`prex:${PK}:session`, 't1');
    s('shutdown');
    expect(localStorage.getItem(`prex:Support:${PK}:session`)).toBeNull();
    expect(localStorage.getItem(`prex:${PK}:session`)).toBe('t1');
    expect(document.querySelectorAll('prex-launcher')).toHaveLength(1);
    delete w.Support;
  });
});

/** The built artifact itself: nothing of the pane inside, and no import until the click. */
const built = fileURLToPath(import.meta.url).replace(/test[\\/]loader\.test\.ts$/, 'dist/loader.js');
describe.skipIf(!existsSync(built))('dist/loader.js', () => {
  it('imports the pane only on intent', async () => {
    const code = readFileSync(built, 'utf8');
    expect(code).not.toMatch(/preact|eventsource/);
    expect(code.match(/import\(/g)).toHaveLength(1);
    const imports: string[] = [];
    const g = globalThis as unknown as { __prexImport: (u: string) => Promise<PaneModule> };
    g.__prexImport = async (u) => {
      imports.push(u);
      return fakePane().load(u);
    };
    scriptTag({ 'data-prex-key': PK });
    // run the IIFE as the page would (document.currentScript is null here: the loader falls back
    // to script[data-prex-key])
    new Function(code.replace('import(', 'globalThis.__prexImport('))();
    expect(typeof win.Prex).toBe('function');
    await new Promise((r) => setTimeout(r, 20));
    expect(imports).toEqual([]);
    button().click();
    expect(imports).toEqual(['https://prex.example/widget/pane.js']);
  });
});

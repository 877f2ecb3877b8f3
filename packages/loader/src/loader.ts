import type { ThemeOverride } from '@prex/protocol';
import type { Emit, LauncherTheme, PaneHandle, PaneModule } from '@prex/protocol/embed';

/** `Prex('boot', config)`: for pages that do not use the script tag's data attributes. */
export interface BootConfig {
  publishableKey: string;
  /** Backend origin; default: the origin the loader was served from. */
  apiBase?: string;
  theme?: ThemeOverride;
  /** 'idle': fetch the pane once the page is idle. */
  prefetch?: 'none' | 'idle';
  /** UI language, e.g. 'de'; default: the browser's. */
  locale?: string;
  /** The agent that answers, by name (e.g. 'sales'); default: the tenant's default agent. */
  agent?: string;
  /** No launcher button: the page opens the pane from its own (Intercom's hide_default_launcher). */
  hideLauncher?: boolean;
  /**
   * Brand colour and side for the first paint, before the tenant's config has been fetched
   * (`data-prex-color`, `data-prex-position`); the tenant's config wins once it arrives.
   */
  hint?: LauncherTheme;
}

export type PrexFunction = ((command: string, ...args: unknown[]) => unknown) & {
  /** Calls made before the loader arrived (the stub's queue). */
  q?: ArrayLike<unknown>[];
  /** Set on the real function; a second copy of the loader leaves it alone. */
  loaded?: true;
};

export type PrexWindow = Window & typeof globalThis & { Prex?: PrexFunction } & { [namespace: string]: unknown };

const PANE_PATH = '/widget/pane.js';

/** The launcher icons a theme can pick (`launcherIcon`); our own constant markup. */
const ICONS: Record<string, string> = {
  chat: 'M21 11.5a8.4 8.4 0 0 1-12.3 7.4L3 21l2.1-5.6A8.4 8.4 0 1 1 21 11.5z',
  help: 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M9 9a3 3 0 1 1 3 3v2m0 3v.1',
  sparkle: 'M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z',
  headset: 'M4 15v-3a8 8 0 0 1 16 0v3M4 14h3v6H4zm13 0h3v6h-3z',
};
/** One icon: a single path (a circle is drawn as two arcs). */
const svg = (c: string, d: string) => `<svg class=${c} viewBox="0 0 24 24" aria-hidden=true><path d="${d}"/></svg>`;

/**
 * Inside the shadow root, `:host` declarations marked !important beat the page's !important
 * rules for the host element, so `* { all: unset !important }` and friends cannot move, hide or
 * restyle the launcher. Everything inside is set explicitly.
 */
const CSS =
  ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;' +
  'bottom:var(--y,20px)!important;right:var(--x,20px)!important}' +
  ':host([data-side=left]){left:var(--x,20px)!important;right:auto!important}' +
  'button{all:initial;position:relative;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;' +
  'background:var(--a,#4f46e5);color:var(--f,#fff);cursor:pointer;box-shadow:0 6px 20px #1118274d;transition:transform .15s}' +
  'button:hover{transform:scale(1.06)}button:focus-visible{outline:3px solid var(--a,#4f46e5);outline-offset:3px}' +
  '[aria-busy]{cursor:progress;opacity:.85}' +
  'svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}' +
  '[aria-expanded=true] .o,[aria-expanded=false] .x,[hidden]{display:none}' +
  'b{position:absolute;top:-4px;right:-4px;min-width:12px;padding:0 4px;border-radius:9px;background:#b91c1c;color:#fff;font:700 12px/18px sans-serif}' +
  '@media (prefers-reduced-motion:reduce){button{transition:none}}';

const warn = (...a: unknown[]) => console.warn('[Prex]', ...a);
const fail = (e: unknown) => console.error('[Prex]', e);

/**
 * Installs `window[namespace]` (default `window.Prex`): boots from the script tag's data
 * attributes (if any), replays the calls the page queued before the loader arrived, in order,
 * then replaces the stub. Each namespace is a separate instance (own launcher, shadow roots,
 * storage keys), so two tenants or two agents can share a page.
 */
export function install(
  win: PrexWindow,
  script: HTMLScriptElement | null,
  load: (url: string) => Promise<PaneModule> = (url) => import(/* @vite-ignore */ url),
  ns = 'Prex',
): PrexFunction {
  const stub = win[ns] as PrexFunction | undefined;
  if (stub?.loaded) return stub;
  const doc = win.document;
  script ??= doc.querySelector<HTMLScriptElement>('script[data-prex-key]');
  // (`src` reads back absolute; no src: '' and boot asks for an apiBase.)
  const scriptOrigin = script?.src && new URL(script.src).origin;

  let cfg: (BootConfig & { apiBase: string; open?: boolean; draft?: string }) | undefined;
  let host: HTMLElement | undefined;
  let root: ShadowRoot;
  let btn: HTMLButtonElement;
  let badge: HTMLElement;
  let setThemeCss: (css: string) => void;
  let pane: PaneHandle | undefined;
  let mounting: Promise<void> | undefined;
  let module: Promise<PaneModule> | undefined;
  let moduleUrl: string | undefined;
  let isOpen = false;
  let unread = 0;
  let wantOpen = false;
  let identity: [Record<string, unknown>, string?] | undefined;
  let keeper: MutationObserver | undefined;
  const listeners: Record<string, Set<(payload: unknown) => void>> = {};

  // Widget events (from the pane) fan out to the page's listeners; a throwing listener is contained.
  const emit: Emit = (name, payload) => {
    if (name == 'unread:change') {
      const n = (unread = (payload as { count: number }).count);
      badge.hidden = !n;
      badge.textContent = n > 9 ? '9+' : '' + n;
    }
    listeners[name]?.forEach((f) => {
      try {
        f(payload);
      } catch (e) {
        fail(e);
      }
    });
  };

  /** localStorage, or sessionStorage (per tab: survives a reload and page changes within the site). */
  const storage = (suffix: string, value?: string | null, area: 'localStorage' | 'sessionStorage' = 'localStorage'): string | null | undefined => {
    const key = `prex:${ns == 'Prex' ? '' : ns + ':'}${cfg!.publishableKey}:${suffix}`;
    try {
      const ls = win[area];
      if (value === undefined) return ls.getItem(key);
      value === null ? ls.removeItem(key) : ls.setItem(key, value);
    } catch {
      /* storage blocked */
    }
    return undefined;
  };

  const sheet = (css: string): ((css: string) => void) => {
    try {
      const s = new win.CSSStyleSheet();
      s.replaceSync(css);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, s];
      return (t) => s.replaceSync(t);
    } catch {
      // no constructable stylesheets (pre-2023 browsers): a <style>, which a strict CSP blocks
      const el = doc.createElement('style');
      el.textContent = css;
      root.append(el);
      return (t) => void (el.textContent = t);
    }
  };

  const px = (v: unknown) => (typeof v == 'number' && v >= 0 && v <= 400 ? `${v | 0}px!important;` : '');
  const applyTheme = (t: LauncherTheme) => {
    let css = '';
    const a = t.accentColor;
    if (a && /^#[0-9a-f]{6}$/i.test(a)) {
      const n = parseInt(a.slice(1), 16);
      const light = ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) > 160000;
      css = `--a:${a}!important;--f:${light ? '#111827' : '#fff'}!important;`;
    }
    if (px(t.offsetX)) css += '--x:' + px(t.offsetX);
    if (px(t.offsetY)) css += '--y:' + px(t.offsetY);
    setThemeCss(`:host{${css}}`);
    if (t.position) host!.setAttribute('data-side', t.position == 'left' ? 'left' : 'right');
    if (t.launcherLabel) btn.setAttribute('aria-label', t.launcherLabel);
    btn.innerHTML = svg('o', ICONS[t.launcherIcon!] ?? ICONS.chat!) + svg('x', 'm6 9 6 6 6-6');
    btn.append(badge);
  };

  // Open or closed is kept for this tab, so the pane is still open after a reload or on the next page.
  const setExpanded = (v: boolean) => {
    btn.setAttribute('aria-expanded', '' + (isOpen = v));
    storage('open', v ? '1' : null, 'sessionStorage');
  };

  const fetchPane = (): Promise<PaneModule> => {
    const url = cfg!.apiBase + PANE_PATH;
    if (!module || moduleUrl !== url) {
      moduleUrl = url;
      module = load(url);
      module.catch(() => (module = undefined));
    }
    return module;
  };
  const prefetch = () => void fetchPane().catch(() => {});

  // `quiet`: loaded without the visitor asking (a person has the conversation): no busy launcher.
  const mountPane = (quiet?: 1) => {
    const c = cfg!;
    quiet || btn.setAttribute('aria-busy', 'true');
    mounting ??= fetchPane()
      .then((m) => {
        if (cfg !== c || pane) return; // shut down or re-booted meanwhile
        // The whole boot config travels (key, apiBase, theme, locale, agent): fewer bytes than naming each.
        pane = m.mount({
          ...c,
          root,
          namespace: ns,
          emit,
          onClose() {
            setExpanded(false);
            btn.focus();
          },
          onTheme(t) {
            applyTheme({ ...t, ...c.theme });
            storage('theme', JSON.stringify(t, ['accentColor', 'position', 'launcherLabel', 'launcherIcon', 'offsetX', 'offsetY']));
          },
        });
        if (identity) pane.identify(...identity);
        if (isOpen) pane.open();
      })
      .catch((e: unknown) => {
        setExpanded(false);
        fail(e);
        emit('error', { message: 'could not load the chat pane' });
      })
      .finally(() => {
        mounting = undefined;
        btn.removeAttribute('aria-busy');
      });
  };

  const setOpen = (v: boolean) => {
    if (!cfg) return void (wantOpen = v);
    setExpanded(v);
    if (pane) v ? pane.open() : pane.close();
    else if (v) mountPane();
  };

  const teardown = () => {
    pane?.destroy();
    host?.remove();
    cfg = pane = host = undefined;
    isOpen = false;
  };

  // `c` comes from the page as is: it may be anything, hence `c?.`.
  const boot = (c: BootConfig) => {
    if (!/^pk_/.test(c?.publishableKey)) return warn('boot needs a publishableKey');
    const apiBase = (c.apiBase ?? scriptOrigin)?.replace(/\/+$/, '');
    if (!apiBase || !/^https?:\/\//.test(apiBase)) return warn('boot needs an apiBase');
    if (cfg) teardown();
    cfg = { ...c, apiBase };
    const reopen = storage('open', undefined, 'sessionStorage');

    host = doc.createElement('prex-launcher');
    host.setAttribute('data-prex-namespace', ns);
    root = host.attachShadow({ mode: 'open' });
    sheet(CSS);
    setThemeCss = sheet('');
    btn = doc.createElement('button');
    btn.type = 'button';
    btn.setAttribute('aria-haspopup', 'dialog');
    btn.setAttribute('aria-label', 'Open support chat');
    btn.onclick = () => setOpen(!isOpen);
    // The first sign of intent (the pointer over the launcher, a touch, keyboard focus) starts
    // fetching the pane, so it is (nearly) here by the click. Nothing is fetched before that.
    btn.onpointerenter = btn.onfocus = prefetch;
    badge = doc.createElement('b');
    badge.hidden = true;
    btn.hidden = !!c.hideLauncher;
    root.append(btn);
    setExpanded(false);
    let cached: LauncherTheme = {};
    try {
      cached = JSON.parse(storage('theme') ?? '{}') as LauncherTheme;
    } catch {
      /* ignore */
    }
    // The pane gets the same first-paint bits (c.hint travels in cfg), so its header is right at once too.
    applyTheme((cfg.hint = { ...c.hint, ...cached, ...c.theme }));
    // SPAs may re-render <body> (or replace it): put the launcher back, pane and state intact.
    // (DOMContentLoaded fires once, and the same listener is added only once: no `once` needed.)
    const attach = () => (doc.body ? host && !host.isConnected && doc.body.append(host) : doc.addEventListener('DOMContentLoaded', attach));
    attach();
    keeper ??= new MutationObserver(attach);
    keeper.observe(doc.documentElement, { childList: true, subtree: true });

    if (c.prefetch === 'idle') {
      (win.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 1)))(prefetch);
    }
    cfg.open = !!reopen && !wantOpen;
    if (wantOpen || reopen) setOpen(true);
    // A person has this visitor's conversation (the pane's "live" mark): load the pane closed, so
    // their replies count on the badge here too. Everyone else still gets no pane bytes before intent.
    else if (storage('live')) mountPane(1);
    wantOpen = false;
    // The page may use the API from now on; the pane, once it has loaded and restored the
    // conversation, sends 'ready' again with the session's id.
    emit('ready', {});
  };

  const prex: PrexFunction = (command, ...args) => {
    const [a, b] = args as [never, never];
    try {
      switch (command) {
        case 'boot':
          return boot(a);
        case 'open':
          return setOpen(true);
        case 'close':
          return setOpen(false);
        case 'toggle':
          return setOpen(cfg ? !isOpen : !wantOpen);
        // Opens with the text in the composer; a pane not loaded yet takes it at mount.
        case 'showNewMessage':
          cfg && (cfg.draft = a), pane?.draft(a);
          return setOpen(true);
        case 'isOpen':
          return isOpen;
        case 'unreadCount':
          return unread;
        case 'on':
          // returns the unsubscribe function (a call queued before the loader arrived cannot: use 'off')
          (listeners[a] ??= new Set()).add(b);
          return () => listeners[a]!.delete(b);
        case 'off':
          return void listeners[a]?.delete(b);
        case 'identify':
          identity = [a, b];
          return pane?.identify(a, b);
        case 'update': {
          const p = (a ?? {}) as Parameters<PaneHandle['update']>[0];
          if (!cfg) return;
          cfg.theme = { ...cfg.theme, ...p.theme };
          if (p.locale) cfg.locale = p.locale;
          applyTheme({ ...cfg.hint, ...cfg.theme }); // on top of the first-paint bits, not instead of them
          return pane?.update(p);
        }
        case 'shutdown':
          // log-out: forget the session and the visitor's list of past conversations
          if (cfg) storage('session', null), storage('sessions', null), setExpanded(false);
          keeper?.disconnect();
          identity = undefined;
          return teardown();
        default:
          warn('unknown command', command);
      }
    } catch (e) {
      fail(e);
    }
  };
  prex.loaded = true;

  const attr = (name: string) => script!.getAttribute('data-prex-' + name) || undefined;
  const key = script && attr('key');
  if (key) {
    boot({
      publishableKey: key,
      apiBase: attr('api'),
      prefetch: attr('prefetch') as 'idle' | undefined, // anything but 'idle' is 'none'
      agent: attr('agent'),
      // checked where they are used (applyTheme here, resolveTheme in the pane)
      hint: { accentColor: attr('color'), position: attr('position') as 'left' | 'right' | undefined },
    });
  }
  // Replay in order; the queue is read live, so calls made while replaying keep their place.
  const queue = stub?.q ?? [];
  for (let i = 0; i < queue.length; i++) prex(...(queue[i] as unknown as [string])); // `arguments` objects are iterable
  win[ns] = prex;
  return prex;
}

import type { ThemeOverride } from '@prex/protocol';

/**
 * The pane module's handshake, as the loader uses it (the authoritative declaration is
 * `MountOptions` / `PaneHandle` in @prex/widget, src/mount.tsx).
 */
export interface PaneHandle {
  open(): void;
  close(): void;
  toggle(): void;
  destroy(): void;
}
export interface LauncherTheme {
  accentColor?: string | undefined;
  position?: 'left' | 'right' | undefined;
  launcherLabel?: string | undefined;
}
export interface MountOptions {
  root: ShadowRoot;
  publishableKey: string;
  apiBase: string;
  theme?: ThemeOverride | undefined;
  onClose?: () => void;
  onTheme?: (theme: LauncherTheme) => void;
}
export interface PaneModule {
  mount(options: MountOptions): PaneHandle;
}

/** `Prex('boot', config)`: for pages that do not use the script tag's data attributes. */
export interface BootConfig {
  publishableKey: string;
  /** Backend origin; default: the origin the loader was served from. */
  apiBase?: string;
  theme?: ThemeOverride;
  /** 'idle': fetch the pane once the page is idle. */
  prefetch?: 'none' | 'idle';
}

export type PrexFunction = ((command: string, ...args: unknown[]) => void) & {
  /** Calls made before the loader arrived (the stub's queue). */
  q?: ArrayLike<unknown>[];
  /** Set on the real function; a second copy of the loader leaves it alone. */
  loaded?: true;
};

export type PrexWindow = Window & typeof globalThis & { Prex?: PrexFunction };

const PANE_PATH = '/widget/pane.js';

const ICONS =
  '<svg class="o" viewBox="0 0 24 24" aria-hidden="true"><path d="M21 11.5a8.4 8.4 0 0 1-12.3 7.4L3 21l2.1-5.6A8.4 8.4 0 1 1 21 11.5z"/></svg>' +
  '<svg class="x" viewBox="0 0 24 24" aria-hidden="true"><path d="m6 9 6 6 6-6"/></svg>';

/**
 * Inside the shadow root, `:host` declarations marked !important beat the page's !important
 * rules for the host element, so `* { all: unset !important }` and friends cannot move, hide or
 * restyle the launcher. Everything inside is set explicitly.
 */
const CSS =
  ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;' +
  'bottom:20px!important;right:20px!important;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif!important;color:#111827!important}' +
  ':host([data-side=left]){left:20px!important;right:auto!important}' +
  'button{all:initial;box-sizing:border-box;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;' +
  'background:var(--a,#4f46e5);color:var(--f,#fff);cursor:pointer;box-shadow:0 6px 20px rgba(17,24,39,.3);transition:transform .15s}' +
  'button:hover{transform:scale(1.06)}button:focus-visible{outline:3px solid var(--a,#4f46e5);outline-offset:3px}' +
  '[aria-busy=true]{cursor:progress;opacity:.85}' +
  'svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}' +
  '[aria-expanded=true] .o,[aria-expanded=false] .x{display:none}' +
  '@media (prefers-reduced-motion:reduce){button{transition:none}}';

const warn = (...a: unknown[]) => console.warn('[Prex]', ...a);

/**
 * Installs `window.Prex`: boots from the script tag's data attributes (if any), replays the
 * calls the page queued before the loader arrived, in order, then replaces the stub.
 */
export function install(
  win: PrexWindow,
  script: HTMLScriptElement | null,
  load: (url: string) => Promise<PaneModule> = (url) => import(/* @vite-ignore */ url),
): PrexFunction {
  const stub = win.Prex;
  if (stub?.loaded) return stub;
  const doc = win.document;
  script ??= doc.querySelector<HTMLScriptElement>('script[data-prex-key]');
  const scriptOrigin = script?.src ? new URL(script.src, doc.baseURI).origin : undefined;

  let cfg: (BootConfig & { apiBase: string }) | undefined;
  let host: HTMLElement | undefined;
  let root: ShadowRoot;
  let btn: HTMLButtonElement;
  let setThemeCss: (css: string) => void;
  let pane: PaneHandle | undefined;
  let mounting: Promise<void> | undefined;
  let module: Promise<PaneModule> | undefined;
  let moduleUrl: string | undefined;
  let isOpen = false;
  let wantOpen = false;

  const storage = (suffix: string, value?: string | null): string | null | undefined => {
    const key = `prex:${cfg!.publishableKey}:${suffix}`;
    try {
      const ls = win.localStorage;
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

  const applyTheme = (t: LauncherTheme) => {
    const a = t.accentColor;
    if (a && /^#[0-9a-f]{6}$/i.test(a)) {
      const n = parseInt(a.slice(1), 16);
      const light = ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000 > 160;
      setThemeCss(`:host{--a:${a}!important;--f:${light ? '#111827' : '#fff'}!important}`);
    }
    if (t.position) host!.setAttribute('data-side', t.position === 'left' ? 'left' : 'right');
    if (t.launcherLabel) btn.setAttribute('aria-label', t.launcherLabel);
  };

  const setExpanded = (v: boolean) => btn.setAttribute('aria-expanded', String((isOpen = v)));

  const fetchPane = (): Promise<PaneModule> => {
    const url = cfg!.apiBase + PANE_PATH;
    if (!module || moduleUrl !== url) {
      moduleUrl = url;
      module = load(url);
      module.catch(() => (module = undefined));
    }
    return module;
  };

  const mountPane = () => {
    const c = cfg!;
    btn.setAttribute('aria-busy', 'true');
    mounting ??= fetchPane()
      .then((m) => {
        if (cfg !== c || pane) return; // shut down or re-booted meanwhile
        pane = m.mount({
          root,
          publishableKey: c.publishableKey,
          apiBase: c.apiBase,
          theme: c.theme,
          onClose() {
            setExpanded(false);
            btn.focus();
          },
          onTheme(t) {
            applyTheme(t);
            storage('theme', JSON.stringify({ accentColor: t.accentColor, position: t.position, launcherLabel: t.launcherLabel }));
          },
        });
        if (isOpen) pane.open();
      })
      .catch((e: unknown) => {
        setExpanded(false);
        console.error('[Prex] could not load the chat pane', e);
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

  const boot = (c: BootConfig | undefined) => {
    if (!c || typeof c.publishableKey !== 'string' || !c.publishableKey.startsWith('pk_')) {
      return warn('boot needs { publishableKey: "pk_…" }');
    }
    const apiBase = (c.apiBase ?? scriptOrigin)?.replace(/\/+$/, '');
    if (!apiBase || !/^https?:\/\//.test(apiBase)) return warn('boot needs { apiBase: "https://…" }');
    if (cfg) teardown();
    cfg = { ...c, apiBase };

    host = doc.createElement('prex-launcher');
    root = host.attachShadow({ mode: 'open' });
    sheet(CSS);
    setThemeCss = sheet('');
    btn = doc.createElement('button');
    btn.type = 'button';
    btn.setAttribute('data-testid', 'prex-launcher');
    btn.innerHTML = ICONS; // our own constant markup, never server text
    btn.setAttribute('aria-haspopup', 'dialog');
    btn.setAttribute('aria-label', 'Open support chat');
    btn.onclick = () => setOpen(!isOpen);
    root.append(btn);
    setExpanded(false);
    let cached: LauncherTheme = {};
    try {
      cached = JSON.parse(storage('theme') ?? '{}') as LauncherTheme;
    } catch {
      /* ignore */
    }
    applyTheme({ ...cached, ...c.theme });
    const attach = () => (doc.body ? doc.body.append(host!) : doc.addEventListener('DOMContentLoaded', attach, { once: true }));
    attach();

    if (c.prefetch === 'idle') {
      (win.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 1)))(() => void fetchPane().catch(() => {}));
    }
    if (wantOpen) setOpen(true);
    wantOpen = false;
  };

  const prex: PrexFunction = (command, ...args) => {
    try {
      switch (command) {
        case 'boot':
          return boot(args[0] as BootConfig | undefined);
        case 'open':
          return setOpen(true);
        case 'close':
          return setOpen(false);
        case 'toggle':
          return setOpen(cfg ? !isOpen : !wantOpen);
        case 'shutdown':
          if (cfg) storage('session', null);
          return teardown();
        default:
          warn(`unknown command "${String(command)}"`);
      }
    } catch (e) {
      console.error('[Prex]', e);
    }
  };
  prex.loaded = true;

  const key = script?.getAttribute('data-prex-key');
  if (key) {
    const prefetch = script!.getAttribute('data-prex-prefetch');
    boot({
      publishableKey: key,
      apiBase: script!.getAttribute('data-prex-api') || undefined,
      prefetch: prefetch === 'idle' ? 'idle' : 'none',
    });
  }
  // Replay in order; the queue is read live, so calls made while replaying keep their place.
  const queue = stub?.q ?? [];
  for (let i = 0; i < queue.length; i++) prex.apply(null, Array.prototype.slice.call(queue[i]) as [string, ...unknown[]]);
  win.Prex = prex;
  return prex;
}

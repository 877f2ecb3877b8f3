/**
 * `@prex/widget` for bundler users: the same widget the script tag loads, as an ES module with
 * types. Importing it touches no browser globals (safe in SSR code); call `createPrex` in the
 * browser (e.g. in a `useEffect` / `onMounted`).
 *
 *   import { createPrex } from '@prex/widget';
 *   const prex = createPrex({ publishableKey: 'pk_…', apiBase: 'https://prex.example' });
 *   const off = prex.on('message:received', (m) => console.log(m.text));
 */
import type { ThemeOverride } from '@prex/protocol';
import { definePrexChat as define } from './element.js';
import { createEmitter, type Listener, type PrexEventName } from './events.js';
import { mount, type PaneHandle } from './mount.js';
import { createLiveMarker } from './live-marker.js';
import { storagePrefix } from './session.js';
import { adoptStyles } from './styles.js';
import { onAccent } from './theme.js';

export { mount };
export type { Identity, MountOptions, PaneHandle, Theme, ThemeOverride } from './mount.js';
export type { Emit, Listener, PrexEventMap, PrexEventName } from './events.js';

/** Defines `<prex-chat>` (inline placement) in the browser; a no-op on the server. */
export const definePrexChat = (tag?: string) => define(mount, tag);

export interface PrexConfig {
  publishableKey: string;
  /** Backend origin, e.g. https://prex.example */
  apiBase: string;
  theme?: ThemeOverride;
  locale?: string;
  /** The agent that answers, by name (e.g. 'sales'); absent: the tenant's default agent. */
  agent?: string;
  /** Separate storage keys for a second instance on the page (e.g. 'Sales'). */
  namespace?: string;
  /** No launcher button: the page opens the pane from its own (Intercom's hide_default_launcher). */
  hideLauncher?: boolean;
}

export interface PrexInstance {
  open(): void;
  close(): void;
  toggle(): void;
  update(patch: { theme?: ThemeOverride; locale?: string }): void;
  /** Who the visitor is (`{ userId, email?, name? }`) and the host server's signature (hex HMAC or JWT); see docs/embedding.md. */
  identify(user: Record<string, unknown>, signature?: string): void;
  on<K extends PrexEventName>(name: K, listener: Listener<K>): () => void;
  /** Opens the pane with `text` in the composer; the visitor sends it (Intercom's showNewMessage). */
  showNewMessage(text: string): void;
  /** Whether the pane is open. */
  isOpen(): boolean;
  /** Answers and staff replies that arrived while the pane was closed (the launcher's badge). */
  unreadCount(): number;
  /** Removes the widget and forgets the stored session and conversation list (e.g. at log-out). */
  shutdown(): void;
}

const CSS =
  ':host{all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;right:20px!important}' +
  ':host([data-side=left]){left:20px!important;right:auto!important}' +
  'button{all:initial;position:relative;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;cursor:pointer;' +
  'background:var(--a,#4f46e5);color:var(--f,#fff);box-shadow:0 6px 20px rgba(17,24,39,.3)}' +
  'button:focus-visible{outline:3px solid var(--a,#4f46e5);outline-offset:3px}' +
  'svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2}' +
  'b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#b91c1c;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}' +
  '[hidden]{display:none}';

/**
 * A floating launcher plus the pane (mounted on first open), with the same JS API as the script
 * tag's `Prex(…)` function, as methods.
 */
export function createPrex(config: PrexConfig): PrexInstance {
  // Called during server rendering there is no page to draw on: an instance whose calls do nothing.
  if (typeof document === 'undefined') return inertInstance();
  const doc = document;
  const events = createEmitter();
  const host = doc.createElement('prex-launcher');
  if (config.namespace) host.setAttribute('data-prex-namespace', config.namespace);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, CSS);
  const button = doc.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-haspopup', 'dialog');
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-label', config.theme?.launcherLabel ?? 'Open support chat');
  button.innerHTML =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21 11.5a8.4 8.4 0 0 1-12.3 7.4L3 21l2.1-5.6A8.4 8.4 0 1 1 21 11.5z"/></svg><b hidden></b>';
  const badge = button.querySelector('b')!;
  button.hidden = !!config.hideLauncher;
  root.append(button);
  doc.body.append(host);
  // SPA frameworks may replace <body>'s content: put the launcher back (its pane keeps its state).
  const keep = new MutationObserver(() => !host.isConnected && doc.body?.append(host));
  keep.observe(doc.documentElement, { childList: true, subtree: true });

  let pane: PaneHandle | undefined;
  let identity: [Record<string, unknown>, string | undefined] | undefined;
  let theme = config.theme;
  let locale = config.locale;
  const restyle = (t: ThemeOverride | undefined) => {
    if (t?.accentColor && /^#[0-9a-f]{6}$/i.test(t.accentColor)) {
      host.style.setProperty('--a', t.accentColor);
      host.style.setProperty('--f', onAccent(t.accentColor));
    }
    if (t?.position) host.setAttribute('data-side', t.position);
    if (t?.launcherLabel) button.setAttribute('aria-label', t.launcherLabel);
  };
  restyle(theme);
  let unread = 0;
  events.on('unread:change', ({ count }) => {
    unread = count;
    badge.hidden = !count;
    badge.textContent = count > 9 ? '9+' : String(count);
  });
  let draft: string | undefined;
  const mountPane = () => {
    if (!pane) {
      pane = mount({
        root,
        publishableKey: config.publishableKey,
        apiBase: config.apiBase,
        theme,
        locale,
        agent: config.agent,
        namespace: config.namespace,
        draft,
        emit: events.emit,
        onTheme: restyle,
        onClose: () => {
          button.setAttribute('aria-expanded', 'false');
          button.focus();
        },
      });
      if (identity) pane.identify(...identity);
    }
    return pane;
  };
  const setOpen = (open: boolean) => {
    button.setAttribute('aria-expanded', String(open));
    if (open) mountPane().open();
    else pane?.close();
  };
  // A person has this visitor's conversation: load the pane (closed) now, so their replies count
  // on the badge of a page where the visitor has not opened the chat (see live-marker.ts).
  if (hasLiveConversation(config)) mountPane();
  button.onclick = () => setOpen(button.getAttribute('aria-expanded') !== 'true');

  // Listeners attached right after createPrex() hear it, as a script tag's page hears the loader's.
  queueMicrotask(() => events.emit('ready', {}));
  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(button.getAttribute('aria-expanded') !== 'true'),
    update(patch) {
      if (patch.theme) theme = { ...theme, ...patch.theme };
      if (patch.locale) locale = patch.locale;
      restyle(theme);
      pane?.update(patch);
    },
    identify(user, signature) {
      identity = [user, signature];
      pane?.identify(user, signature);
    },
    on: events.on,
    showNewMessage(text) {
      draft = text;
      pane?.draft(text);
      setOpen(true);
    },
    isOpen: () => button.getAttribute('aria-expanded') === 'true',
    unreadCount: () => unread,
    shutdown() {
      keep.disconnect();
      pane?.destroy();
      host.remove();
      events.clear();
      try {
        // the current session and the list of past conversations (this visitor's history)
        const prefix = storagePrefix(config.publishableKey, config.namespace);
        localStorage.removeItem(`${prefix}session`);
        localStorage.removeItem(`${prefix}sessions`);
      } catch {
        /* storage blocked */
      }
      createLiveMarker(config.publishableKey, undefined, config.namespace).clear();
    },
  };
}

function hasLiveConversation(config: PrexConfig): boolean {
  return createLiveMarker(config.publishableKey, undefined, config.namespace).seen() !== null;
}

const nothing = () => {};

/** What `createPrex` returns on a server: every method callable, none with an effect. */
function inertInstance(): PrexInstance {
  return {
    open: nothing,
    close: nothing,
    toggle: nothing,
    update: nothing,
    identify: nothing,
    on: () => nothing,
    showNewMessage: nothing,
    isOpen: () => false,
    unreadCount: () => 0,
    shutdown: nothing,
  };
}

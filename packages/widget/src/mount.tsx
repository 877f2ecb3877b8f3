import type { Theme, ThemeOverride } from '@prex/protocol';
import { LIMITS } from '@prex/protocol/wire';
import { effect } from '@preact/signals';
import { render } from 'preact';
import { createApi } from './api.js';
import { Pane } from './components/Pane.js';
import { definePrexChat } from './element.js';
import type { Emit } from './events.js';
import { createConversationTokens } from './conversations.js';
import type { Identity, MountOptions, PaneHandle } from './pane-contract.js';
import { createLiveMarker } from './live-marker.js';
import { createTokenStore } from './session.js';
import { createStore } from './store.js';
import css from './styles.css?inline';
import { adoptStyles } from './styles.js';
import { INLINE_CSS, resolveTheme, THEME_CSS } from './theme.js';

export type { Theme, ThemeOverride };
export type { Emit, PrexEventMap, PrexEventName, Listener } from './events.js';
export type { Identity, MountOptions, PaneHandle } from './pane-contract.js';

/** Mounts the chat pane (closed); restores the conversation and loads the tenant's theme. */
export function mount(options: MountOptions): PaneHandle {
  const doc = options.root.ownerDocument ?? document;
  const host = doc.createElement('prex-pane');
  const shadow = host.attachShadow({ mode: 'open' });
  const unstyle = [adoptStyles(shadow, css), adoptStyles(shadow, THEME_CSS)];
  if (options.inline) unstyle.push(adoptStyles(shadow, INLINE_CSS));
  options.root.appendChild(host);
  const emit: Emit = options.emit ?? (() => {});

  // The tenant's own theme, kept so `update` can re-layer a new override on top of it.
  let tenantTheme: Partial<Theme> | undefined;
  let override: ThemeOverride = { ...options.theme };
  const baseApi = createApi({ apiBase: options.apiBase, publishableKey: options.publishableKey, agent: agentName(options.agent), fetch: options.fetch });
  const api = {
    ...baseApi,
    config: () =>
      baseApi.config().then((c) => {
        tenantTheme = c.theme;
        return c;
      }),
  };
  const tokens = createTokenStore(options.publishableKey, options.storage, options.namespace);
  const storeOptions = {
    api,
    tokens,
    themeOverride: override,
    onTheme: options.onTheme,
    emit,
    locale: options.locale,
    conversations: createConversationTokens(options.publishableKey, options.storage, options.namespace),
    live: createLiveMarker(options.publishableKey, options.storage, options.namespace),
  };
  const store = createStore(storeOptions);
  if (options.hint) store.setTheme(resolveTheme(options.hint, override));
  if (options.open) store.setOpen(true);
  // The page's showNewMessage(text): the visitor sees it in the composer and sends it (or not).
  const draft = (text: unknown) => void (typeof text == 'string' && store.setDraft(text.slice(0, LIMITS.maxMessageChars)));
  draft(options.draft);

  // Tenant CSS: a sanitized constructable sheet in this shadow root only (it cannot leak out).
  // The filter is a lazy chunk: most tenants write no CSS, and their visitors do not download it.
  let tenantCss = '';
  let dropTenantCss: (() => void) | undefined;
  const stopCss = effect(() => {
    const next = store.theme.value.customCss ?? '';
    if (next === tenantCss) return;
    tenantCss = next;
    dropTenantCss?.();
    dropTenantCss = undefined;
    if (next) {
      void import('./tenant-css.js').then(({ sanitizeTenantCss }) => {
        const safe = tenantCss === next && sanitizeTenantCss(next);
        if (safe) dropTenantCss = adoptStyles(shadow, safe);
      });
    }
  });

  let wasOpen = store.isOpen.peek();
  const stopOpen = effect(() => {
    const open = store.isOpen.value;
    if (open !== wasOpen) emit((wasOpen = open) ? 'open' : 'close', {});
  });
  const stopErrors = effect(() => {
    const f = store.failure.value;
    if (f) emit('error', { message: f.message });
  });

  const close = () => {
    if (options.inline) return;
    store.setOpen(false);
    options.onClose?.();
  };
  render(<Pane store={store} onClose={close} />, shadow);
  let alive = true;
  void store.init().then(() => {
    if (alive) emit('ready', { sessionId: tokens.get()?.split('.')[0] });
  });
  if (options.inline) store.setOpen(true);

  let identity: Identity | undefined;
  return {
    open: () => store.setOpen(alive),
    close: () => store.setOpen(!!options.inline && alive),
    toggle: () => store.setOpen(alive && (!!options.inline || !store.isOpen.peek())),
    update(patch) {
      if (!alive || !patch) return;
      if (patch.theme) {
        override = { ...override, ...patch.theme };
        store.setTheme(resolveTheme(tenantTheme ?? options.hint, override));
        options.onTheme?.(store.theme.peek());
      }
      const locale = (store as { locale?: { value: string | undefined } }).locale;
      if (patch.locale && locale) locale.value = patch.locale;
    },
    identify(user, signature) {
      if (!alive) return;
      if (user && typeof user === 'object') identity = { user: { ...user }, signature };
      store.identify(user, signature);
    },
    get identity() {
      return identity;
    },
    draft: (text) => void (alive && draft(text)),
    destroy() {
      if (!alive) return;
      alive = false;
      stopCss();
      stopOpen();
      stopErrors();
      store.dispose();
      render(null, shadow);
      dropTenantCss?.();
      for (const u of unstyle) u();
      host.remove();
    },
  };
}

/** An agent name as the host gave it; anything else is reported and the default agent answers. */
function agentName(agent: unknown): string | undefined {
  if (agent === undefined || agent === null || agent === '') return undefined;
  if (typeof agent === 'string' && agent.trim()) return agent.trim();
  console.warn('[Prex] agent must be an agent name such as "sales"; the default agent answers');
  return undefined;
}

// `<prex-chat>` for pages that load pane.js as a module directly (inline placement). Guarded, so
// importing this module during server-side rendering touches no browser globals.
definePrexChat(mount);

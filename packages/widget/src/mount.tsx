import type { Theme, ThemeOverride } from '@prex/protocol';
import { render } from 'preact';
import { createApi } from './api.js';
import { Pane } from './components/Pane.js';
import { createTokenStore } from './session.js';
import { createStore } from './store.js';
import css from './styles.css?inline';
import { adoptStyles } from './styles.js';

export type { Theme, ThemeOverride };

/** What the loader (or any embedder) passes to `mount`. */
export interface MountOptions {
  /**
   * Where the pane goes: the loader's shadow root, or any element. The pane appends its own
   * `<prex-pane>` host there with its own shadow root, so its styles never meet the loader's
   * or the page's.
   */
  root: ShadowRoot | HTMLElement;
  publishableKey: string;
  /** Backend origin, e.g. https://prex.example */
  apiBase: string;
  /** Host-page theme override; wins over the tenant's theme. */
  theme?: ThemeOverride | undefined;
  /** The visitor closed the pane from inside (close button, Escape). */
  onClose?: (() => void) | undefined;
  /** The resolved theme once the tenant's config arrived (the loader restyles its launcher). */
  onTheme?: ((theme: Theme) => void) | undefined;
  /** Where the session token is kept; default localStorage. */
  storage?: Storage | undefined;
  /** Injected fetch (tests); default globalThis.fetch. */
  fetch?: typeof fetch | undefined;
}

export interface PaneHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /** Stops streams, unmounts and removes the pane (the stored session is kept). */
  destroy(): void;
}

/** Mounts the chat pane (closed); restores the conversation and loads the tenant's theme. */
export function mount(options: MountOptions): PaneHandle {
  const doc = options.root.ownerDocument ?? document;
  const host = doc.createElement('prex-pane');
  const shadow = host.attachShadow({ mode: 'open' });
  const unstyle = adoptStyles(shadow, css);
  options.root.appendChild(host);

  const store = createStore({
    api: createApi({ apiBase: options.apiBase, publishableKey: options.publishableKey, fetch: options.fetch }),
    tokens: createTokenStore(options.publishableKey, options.storage),
    themeOverride: options.theme,
    onTheme: options.onTheme,
  });
  const close = () => {
    store.isOpen.value = false;
    options.onClose?.();
  };
  render(<Pane store={store} onClose={close} />, shadow);
  void store.init();

  let alive = true;
  return {
    open: () => void (store.isOpen.value = alive),
    close: () => void (store.isOpen.value = false),
    toggle: () => void (store.isOpen.value = alive && !store.isOpen.peek()),
    destroy() {
      if (!alive) return;
      alive = false;
      store.dispose();
      render(null, shadow);
      unstyle();
      host.remove();
    },
  };
}

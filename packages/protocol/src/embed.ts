import type { Theme, ThemeOverride } from './theme.js';

/**
 * `@prex/protocol/embed`: the handshake between an embedder (the loader, `@prex/widget`'s npm
 * entry, `<prex-chat>`) and the pane module, declared once. Types only: importing it costs no
 * bytes, so the loader (3 kB budget) and the pane can both name it.
 */

/** Events the widget reports to the host page through `Prex('on', name, fn)`. */
export interface PrexEventMap {
  /**
   * The widget is booted and its API usable (`{}`: the loader at boot, `createPrex` at creation);
   * again with the session's id once the pane has mounted and restored the conversation.
   */
  ready: { sessionId?: string | undefined };
  open: Record<string, never>;
  close: Record<string, never>;
  /** The visitor sent a message. */
  'message:sent': { text: string };
  /** An answer finished (complete, stopped or failed). */
  'message:received': { messageId: string; text: string; status: 'complete' | 'stopped' | 'error' };
  /** Answers that arrived while the pane was closed. */
  'unread:change': { count: number };
  /** The conversation was handed to a human. */
  handoff: { reason?: string };
  error: { message: string; code?: string };
}

export type PrexEventName = keyof PrexEventMap;
export type Emit = <K extends PrexEventName>(name: K, payload: PrexEventMap[K]) => void;

/** The launcher's part of a theme: what the loader draws (and caches) before the pane exists. */
export type LauncherTheme = Pick<ThemeOverride, 'accentColor' | 'position' | 'launcherLabel' | 'launcherIcon' | 'offsetX' | 'offsetY'>;

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
  /**
   * Theme bits for the first paint, before the tenant's config arrives (the loader's script-tag
   * attributes and the last visit's cache); the tenant's config replaces them.
   */
  hint?: ThemeOverride | undefined;
  /** Mount open without moving the focus (the loader restores a pane that was open before a reload). */
  open?: boolean | undefined;
  /** UI language (e.g. 'de'); default: the browser's. */
  locale?: string | undefined;
  /** The agent that answers, by name (e.g. 'sales'); absent: the tenant's default agent. */
  agent?: string | undefined;
  /** Instance name for storage keys ('Prex' or absent: the default instance). */
  namespace?: string | undefined;
  /** Text put in the composer at mount (the page called `showNewMessage` before the pane was loaded). */
  draft?: string | undefined;
  /** Inline placement (`<prex-chat>`): the pane fills its container, is always open, has no close button. */
  inline?: boolean | undefined;
  /** Receives the widget's events (ready, open, close, message:*, unread:change, handoff, error). */
  emit?: Emit | undefined;
  /** The visitor closed the pane from inside (close button, Escape). */
  onClose?: (() => void) | undefined;
  /** The resolved theme once the tenant's config arrived, and after `update` (the loader restyles its launcher). */
  onTheme?: ((theme: Theme) => void) | undefined;
  /** Where the session token is kept; default localStorage. */
  storage?: Storage | undefined;
  /** Injected fetch (tests); default globalThis.fetch. */
  fetch?: typeof fetch | undefined;
}

/** Who the visitor is, as the host page said (`identify`); sent to the backend, which verifies the signature. */
export interface Identity {
  user: Record<string, unknown>;
  signature?: string | undefined;
}

export interface PaneHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /** Runtime changes: a theme override (merged into the current one) and/or the UI language. */
  update(patch: { theme?: ThemeOverride | undefined; locale?: string | undefined }): void;
  /**
   * Who the visitor is: `{ userId, email?, name? }` and the host server's signature of it (hex
   * HMAC-SHA256 of the user id, or an HS256 JWT). Sent with POST /v1/identity once a session exists;
   * a refusal is an `error` event (the visitor stays anonymous).
   */
  identify(user: Record<string, unknown>, signature?: string): void;
  readonly identity: Identity | undefined;
  /** Puts `text` in the composer (the page's `showNewMessage(text)`); the visitor still sends it. */
  draft(text: string): void;
  /** Stops streams, unmounts and removes the pane (the stored session is kept). */
  destroy(): void;
}

/** What the pane module (`/widget/pane.js`) exports. */
export interface PaneModule {
  mount(options: MountOptions): PaneHandle;
}

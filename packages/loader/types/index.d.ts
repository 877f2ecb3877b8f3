/**
 * `@prex/loader` is the script tag's code: imported in a page it installs `window.Prex` (or the
 * global named by `data-prex-namespace`); imported in Node it does nothing. It exports no values:
 * these declarations type the global it installs. Written by hand because the loader's own source
 * types its commands loosely to save bytes; the commands are documented in README.md and
 * docs/embedding.md.
 */

/** What `@prex/protocol`'s `ThemeOverride` accepts (that package has the exact fields and checks). */
export type PrexThemeOverride = Record<string, unknown>;

export interface PrexBootConfig {
  publishableKey: string;
  /** Backend origin; default: the origin `loader.js` was served from. */
  apiBase?: string;
  theme?: PrexThemeOverride;
  /** 'idle': fetch the pane once the page is idle (it is still mounted only on intent). */
  prefetch?: 'none' | 'idle';
  /** UI language, e.g. 'de'; default: the browser's. */
  locale?: string;
  /** The agent that answers, by name; default: the tenant's default agent. */
  agent?: string;
}

export interface PrexIdentity {
  userId: string;
  email?: string;
  name?: string;
  [attribute: string]: unknown;
}

export type PrexListener = (payload: unknown) => void;

/** `Prex(command, ...args)`: every call is safe; an unknown command warns and never throws. */
export interface PrexFunction {
  (command: 'boot', config: PrexBootConfig): void;
  (command: 'open' | 'close' | 'toggle' | 'shutdown'): void;
  (command: 'update', patch: { theme?: PrexThemeOverride; locale?: string }): void;
  /** `signature`: made on your server with the tenant's identity secret (docs/customers.md). */
  (command: 'identify', user: PrexIdentity, signature?: string): void;
  /** Returns the unsubscribe function (a call queued before the loader arrived cannot: use 'off'). */
  (command: 'on', event: string, listener: PrexListener): () => void;
  (command: 'off', event: string, listener: PrexListener): void;
  (command: string, ...args: unknown[]): unknown;
  /** Calls made before the loader arrived (the stub's queue). */
  q?: ArrayLike<unknown>[];
  /** Set on the real function. */
  loaded?: true;
}

declare global {
  interface Window {
    Prex?: PrexFunction;
  }
}

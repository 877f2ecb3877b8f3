import type { Emit } from './events.js';
import type { MountOptions, PaneHandle } from './pane-contract.js';
import { adoptStyles } from './styles.js';

type MountFn = (options: MountOptions) => PaneHandle;

/**
 * Defines `<prex-chat publishable-key="pk_…" api-base="https://prex.example">`: the chat pane
 * placed inline (it fills the element, which the page sizes), always open, no launcher.
 * Optional attributes: `locale`, `namespace` (separate storage key), `agent` (which agent answers). Widget events are dispatched
 * on the element as `prex:<name>` CustomEvents (`detail` = payload, bubbling, composed).
 * Moving the element (SPA re-renders) remounts the pane, which restores the conversation.
 *
 * Safe to call on the server: without `customElements` it does nothing; a second call is a no-op.
 */
export function definePrexChat(mount: MountFn, tag = 'prex-chat'): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  // Read lazily: the module that imported us may have been loaded from the Prex origin.
  const defaultApi = (() => {
    try {
      return new URL(import.meta.url).origin;
    } catch {
      return undefined;
    }
  })();

  class PrexChat extends HTMLElement {
    static get observedAttributes() {
      return ['publishable-key', 'api-base', 'locale', 'namespace', 'agent'];
    }
    _h: PaneHandle | undefined;

    /** The pane's handle (open/close/update/identify), once mounted. */
    get prex(): PaneHandle | undefined {
      return this._h;
    }

    connectedCallback() {
      this._start();
    }
    disconnectedCallback() {
      this._h?.destroy();
      this._h = undefined;
    }
    attributeChangedCallback() {
      if (!this.isConnected || !this._h) return;
      this._h.destroy();
      this._h = undefined;
      this._start();
    }

    _start() {
      if (this._h) return;
      const publishableKey = this.getAttribute('publishable-key') ?? '';
      const apiBase = (this.getAttribute('api-base') || defaultApi || '').replace(/\/+$/, '');
      if (!publishableKey.startsWith('pk_') || !/^https?:\/\//.test(apiBase)) {
        console.warn('[Prex] <prex-chat> needs publishable-key="pk_…" and api-base="https://…"');
        return;
      }
      const emit: Emit = (name, detail) =>
        this.dispatchEvent(new CustomEvent(`prex:${name}`, { detail, bubbles: true, composed: true }));
      let root = this.shadowRoot;
      if (!root) {
        root = this.attachShadow({ mode: 'open' });
        adoptStyles(root, ':host{display:block;position:relative;min-height:320px}');
      }
      this._h = mount({
        root,
        publishableKey,
        apiBase,
        locale: this.getAttribute('locale') ?? undefined,
        namespace: this.getAttribute('namespace') ?? undefined,
        agent: this.getAttribute('agent') ?? undefined,
        inline: true,
        emit,
      });
    }
  }
  customElements.define(tag, PrexChat);
}

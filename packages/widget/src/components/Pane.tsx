import { isSafeLink } from '@prex/protocol/wire';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { Store } from '../store.js';
import { applyThemeVars } from '../theme.js';
import { Account } from './Account.js';
import { Composer } from './Composer.js';
import { Handoff } from './Handoff.js';
import { Menu } from './Menu.js';
// Small (≈0.5 kB gzipped): bundled, since a lazy chunk would split out the shared code and cost more.
import { History } from './History.js';
import { BackIcon, CloseIcon } from './icons.js';
import { MessageList } from './MessageList.js';

/** The focused element, looking inside shadow roots (the launcher lives in the loader's). */
function deepActive(): HTMLElement | null {
  let a = document.activeElement as HTMLElement | null;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement as HTMLElement;
  return a;
}

/** The whole pane: header, conversation (or the history list), status line, composer. */
export function Pane({ store, onClose }: { store: Store; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const theme = store.theme.value;
  const open = store.isOpen.value;
  const failure = store.failure.value;
  const t = store.strings.value;
  const view = store.view.value;
  const focusInput = () => inputRef.current?.focus();
  // Mounted open (the loader restored an open pane after a reload): the page keeps its focus.
  const quiet = useRef(open);

  useLayoutEffect(() => {
    if (ref.current) applyThemeVars(ref.current, theme);
  }, [theme]);

  // Focus moves into the pane on open and back to where it was (the launcher) on close: at once,
  // before the frame is painted (a layout effect), so the visitor can type in the first frame.
  useLayoutEffect(() => {
    if (open) {
      if (quiet.current) return void (quiet.current = false);
      const from = deepActive();
      if (from && !ref.current?.contains(from)) returnFocus.current = from;
      (inputRef.current ?? ref.current?.querySelector('button'))?.focus();
      return;
    }
    const back = returnFocus.current;
    returnFocus.current = null;
    const now = deepActive();
    if (back?.isConnected && (!now || now === document.body || ref.current?.contains(now))) back.focus();
  }, [open]);

  // On phones the pane is full screen: size it to the visual viewport, so the on-screen keyboard
  // never covers the composer (CSSOM custom properties, fine under a strict CSP).
  useEffect(() => {
    const vv = globalThis.visualViewport;
    const el = ref.current;
    if (!open || !vv || !el) return;
    const fit = () => {
      el.style.setProperty('--prex-vvh', `${Math.round(vv.height)}px`);
      el.style.setProperty('--prex-vvt', `${Math.round(vv.offsetTop)}px`);
    };
    fit();
    vv.addEventListener('resize', fit);
    vv.addEventListener('scroll', fit);
    return () => {
      vv.removeEventListener('resize', fit);
      vv.removeEventListener('scroll', fit);
    };
  }, [open]);

  const headerButton = (id: string, label: string, Icon: () => preact.JSX.Element, onClick: () => void) => (
    <button type="button" class={id === 'prex-close' ? 'prex-hbtn prex-close' : 'prex-hbtn'} data-testid={id} aria-label={label} title={label} onClick={onClick}>
      <Icon />
    </button>
  );

  return (
    <div
      ref={ref}
      id="prex-pane"
      class="prex-pane"
      data-testid="prex-pane"
      role="dialog"
      aria-label={theme.title}
      lang={t.lang}
      hidden={!open}
      data-open={open ? 'true' : 'false'}
      data-busy={store.busy.value ? 'true' : 'false'}
      data-position={theme.position}
      data-scheme={theme.colorScheme}
      data-view={store.view.value}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {/* Two buttons at most beside the title (new conversation and history are in the menu), so it is not cut. */}
      <div class="prex-header">
        {view !== 'chat' && headerButton('prex-back', t.back, BackIcon, () => store.show('chat'))}
        {theme.avatarUrl && isSafeLink(theme.avatarUrl) && <img class="prex-header-avatar" src={theme.avatarUrl} alt="" />}
        <h2 class="prex-title" data-testid="prex-title">
          {store.configured.value ? theme.title : ''}
        </h2>
        <Menu store={store} onNewChat={focusInput} />
        {headerButton('prex-close', t.close, CloseIcon, onClose)}
      </div>
      {view === 'history' ? <History store={store} /> : view === 'account' ? <Account store={store} /> : <MessageList store={store} />}
      {view === 'chat' && <Handoff store={store} focusInput={focusInput} />}
      {store.connection.value === 'reconnecting' && (
        <p class="prex-note" role="status" data-testid="prex-reconnecting">
          {t.reconnecting}
        </p>
      )}
      {failure && (
        <div class="prex-alert" role="alert" data-testid="prex-error">
          <span>{failure.message}</span>
          <button type="button" class="prex-retry" data-testid="prex-retry" onClick={() => store.retry()}>
            {t.retry}
          </button>
        </div>
      )}
      {view === 'chat' && <Composer store={store} inputRef={inputRef} />}
      <div class="prex-sr" role="status" aria-live="polite" aria-atomic="true" data-testid="prex-announcer">
        {store.announcement.value}
      </div>
    </div>
  );
}

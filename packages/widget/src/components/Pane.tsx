import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { Store } from '../store.js';
import { applyThemeVars } from '../theme.js';
import { Composer } from './Composer.js';
import { CloseIcon } from './icons.js';
import { MessageList } from './MessageList.js';

/** The whole pane: header, conversation, status line, composer. */
export function Pane({ store, onClose }: { store: Store; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const theme = store.theme.value;
  const open = store.isOpen.value;
  const failure = store.failure.value;

  useLayoutEffect(() => {
    if (ref.current) applyThemeVars(ref.current, theme);
  }, [theme]);

  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  return (
    <div
      ref={ref}
      id="prex-pane"
      class="prex-pane"
      data-testid="prex-pane"
      role="dialog"
      aria-label={theme.title}
      hidden={!open}
      data-open={open ? 'true' : 'false'}
      data-busy={store.busy.value ? 'true' : 'false'}
      data-position={theme.position}
      data-scheme={theme.colorScheme}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header class="prex-header">
        <h2 class="prex-title" data-testid="prex-title">
          {theme.title}
        </h2>
        <button type="button" class="prex-close" data-testid="prex-close" aria-label="Close chat" onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <MessageList store={store} />
      {store.connection.value === 'reconnecting' && (
        <p class="prex-note" role="status" data-testid="prex-reconnecting">
          Connection lost. Reconnecting…
        </p>
      )}
      {failure && (
        <div class="prex-alert" role="alert" data-testid="prex-error">
          <span>{failure.message}</span>
          <button type="button" class="prex-retry" data-testid="prex-retry" onClick={() => store.retry()}>
            Retry
          </button>
        </div>
      )}
      <Composer store={store} inputRef={inputRef} />
    </div>
  );
}

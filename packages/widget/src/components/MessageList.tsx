import { useEffect, useRef } from 'preact/hooks';
import type { Store } from '../store.js';
import { BotIcon } from './icons.js';
import { Message } from './Message.js';

/**
 * The conversation; follows the bottom while the visitor has not scrolled up. It is a `log` with
 * live announcements off: a separate polite region announces each answer once it has finished,
 * instead of a screen reader reading every streamed token.
 */
export function MessageList({ store }: { store: Store }) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  /** The list's height as last seen by the resize observer (null: no ResizeObserver). */
  const height = useRef<number | null>(null);
  const list = store.messages.value;
  // Nothing rather than the default greeting while the tenant's own is on its way.
  const { greeting, suggestions } = store.configured.value ? store.theme.value : { greeting: '', suggestions: [] };
  const t = store.strings.value;
  const typing = store.staffTyping.value;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const follow = () => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    };
    const obs = new MutationObserver(follow);
    obs.observe(el, { childList: true, subtree: true, characterData: true });
    // The list also shrinks when something appears under it (the "Talk to a human" strip, an
    // error): stay at the bottom, or that strip hides the answer's last line.
    const resized =
      globalThis.ResizeObserver &&
      new ResizeObserver(() => {
        height.current = el.clientHeight;
        follow();
      });
    resized?.observe(el);
    follow();
    return () => {
      obs.disconnect();
      resized?.disconnect();
    };
  }, []);

  // A new message (the visitor's own question) always brings the view back down.
  useEffect(() => {
    stick.current = true;
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [list.length]);

  const onScroll = () => {
    const el = ref.current;
    // A scroll the browser makes because the list was resized is not the visitor scrolling up.
    if (el && (height.current === null || height.current === el.clientHeight)) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  };

  return (
    <div
      class="prex-messages"
      data-testid="prex-messages"
      ref={ref}
      onScroll={onScroll}
      role="log"
      aria-live="off"
      aria-label={store.theme.value.title}
      tabIndex={0}
    >
      {greeting && (
        <div class="prex-msg" data-testid="prex-greeting" data-role="assistant" data-status="complete">
          <span class="prex-avatar" aria-hidden="true">
            <BotIcon />
          </span>
          <div class="prex-body">
            <div class="prex-bubble">
              <p class="prex-text">{greeting}</p>
            </div>
          </div>
        </div>
      )}
      {list.length === 0 && store.phase.value === 'ready' && (suggestions?.length ?? 0) > 0 && (
        <div class="prex-suggestions" data-testid="prex-suggestions">
          {suggestions!.map((q) => (
            <button type="button" class="prex-chip" data-testid="prex-suggestion" key={q} onClick={() => store.send(q)}>
              {q}
            </button>
          ))}
        </div>
      )}
      {list.map((m) => (
        <Message key={m.key} m={m} store={store} />
      ))}
      {typing !== null && (
        <p class="prex-loading" data-testid="prex-staff-typing" role="status">
          {typing || t.human} {t.staffTyping}…
        </p>
      )}
      {store.phase.value === 'loading' && (
        <p class="prex-loading" data-testid="prex-loading" role="status">
          {t.loading}
        </p>
      )}
    </div>
  );
}

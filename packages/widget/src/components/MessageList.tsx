import { useEffect, useRef } from 'preact/hooks';
import type { Store } from '../store.js';
import { Message } from './Message.js';

/** The conversation; follows the bottom while the visitor has not scrolled up. */
export function MessageList({ store }: { store: Store }) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const list = store.messages.value;
  const greeting = store.theme.value.greeting;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const follow = () => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    };
    const obs = new MutationObserver(follow);
    obs.observe(el, { childList: true, subtree: true, characterData: true });
    follow();
    return () => obs.disconnect();
  }, []);

  // A new message (the visitor's own question) always brings the view back down.
  useEffect(() => {
    stick.current = true;
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [list.length]);

  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  };

  return (
    <div class="prex-messages" data-testid="prex-messages" ref={ref} onScroll={onScroll} role="log" aria-live="polite">
      {greeting && (
        <div class="prex-msg" data-testid="prex-greeting" data-role="assistant" data-status="complete">
          <div class="prex-bubble">
            <p class="prex-text">{greeting}</p>
          </div>
        </div>
      )}
      {list.map((m) => (
        <Message key={m.key} m={m} />
      ))}
      {store.phase.value === 'loading' && (
        <p class="prex-loading" data-testid="prex-loading" role="status">
          Loading conversation…
        </p>
      )}
    </div>
  );
}

import { LIMITS } from '@prex/protocol/wire';
import type { Ref } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import type { Store } from '../store.js';
import { SendIcon, StopIcon } from './icons.js';

const MAX_INPUT_PX = 140;

/** Textarea + Send (Enter sends, Shift+Enter is a newline); Send becomes Stop while answering. */
export function Composer({ store, inputRef }: { store: Store; inputRef: Ref<HTMLTextAreaElement> & { current: HTMLTextAreaElement | null } }) {
  const draft = store.draft.value;
  const busy = store.busy.value;

  // Grow with the text up to a limit (CSSOM height: allowed under a strict CSP).
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, MAX_INPUT_PX)}px`;
  }, [draft]);

  const submit = () => {
    if (store.send(store.draft.peek())) store.draft.value = '';
  };

  return (
    <form
      class="prex-composer"
      data-testid="prex-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={inputRef}
        class="prex-input"
        data-testid="prex-input"
        aria-label="Message"
        placeholder="Ask a question…"
        rows={1}
        maxLength={LIMITS.maxMessageChars}
        value={draft}
        onInput={(e) => (store.draft.value = e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {busy ? (
        <button type="button" class="prex-stop" data-testid="prex-stop" onClick={() => void store.stop()}>
          <StopIcon />
          Stop
        </button>
      ) : (
        <button type="submit" class="prex-send" data-testid="prex-send" aria-label="Send" disabled={!draft.trim()}>
          <SendIcon />
        </button>
      )}
    </form>
  );
}

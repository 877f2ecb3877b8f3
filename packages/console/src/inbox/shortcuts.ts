import { useEffect, useRef } from 'preact/hooks';

export interface Shortcuts {
  next?(): void;
  previous?(): void;
  reply?(): void;
  resolve?(): void;
}

/** Typing in a field must never trigger a shortcut. */
function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

const KEYS: Record<string, keyof Shortcuts> = { j: 'next', k: 'previous', r: 'reply', e: 'resolve' };

/** Intercom/Chatwoot-style single-key shortcuts on the page (several components may register). */
export function useShortcuts(handlers: Shortcuts): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      const action = KEYS[event.key];
      const handler = action && latest.current[action];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

import { useEffect } from 'preact/hooks';
import { fill } from '../i18n/index.js';
import type { Store } from '../store.js';

/** This visitor's earlier conversations on this site (tokens kept locally, summaries from the backend). */
export function History({ store }: { store: Store }) {
  const t = store.strings.value;
  const list = store.conversations.value;
  useEffect(() => {
    void store.loadConversations();
  }, []);
  const when = (iso: string) => {
    try {
      return new Date(iso).toLocaleString(t.lang, { dateStyle: 'medium', timeStyle: 'short' });
    } catch {
      return iso;
    }
  };
  return (
    <div class="prex-messages prex-history" data-testid="prex-history">
      <h3 class="prex-subtitle">{t.history}</h3>
      {list === null ? (
        <p class="prex-loading" role="status">
          {t.loading}
        </p>
      ) : list.length === 0 ? (
        <p class="prex-loading" data-testid="prex-history-empty">
          {t.noHistory}
        </p>
      ) : (
        <ul class="prex-conversations">
          {list.map((c) => (
            <li key={c.token}>
              <button
                type="button"
                class="prex-conversation"
                data-testid="prex-conversation"
                data-current={c.current ? 'true' : 'false'}
                aria-current={c.current ? 'true' : undefined}
                onClick={() => store.openConversation(c.token)}
              >
                <span class="prex-conversation-title">{c.title ?? t.untitled}</span>
                <span class="prex-meta">
                  {when(c.lastActivityAt)} · {fill(t.messagesCount, c.messageCount)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

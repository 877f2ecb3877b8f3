import type { Citation } from '@prex/protocol';
import { isSafeLink } from '@prex/protocol/wire';
import { useComputed } from '@preact/signals';
import type { UiMessage } from '../store.js';

/** One message. Server text is only ever a text node (`{m.text}` binds the signal to one). */
export function Message({ m }: { m: UiMessage }) {
  const status = m.status.value;
  const sources = m.sources.value;
  const empty = useComputed(() => m.text.value === '');
  const live = status === 'pending' || status === 'streaming';
  const waiting = m.role === 'assistant' && live && empty.value;
  return (
    <div
      class="prex-msg"
      data-testid="prex-message"
      data-role={m.role}
      data-status={status}
      data-message-id={m.id.value}
      aria-busy={m.role === 'assistant' && live ? 'true' : undefined}
    >
      <div class="prex-bubble">
        {waiting ? (
          <span class="prex-typing" data-testid="prex-typing" role="status" aria-label="Assistant is typing">
            <i />
            <i />
            <i />
          </span>
        ) : (
          <p class="prex-text" data-testid="prex-message-text">
            {m.text}
          </p>
        )}
      </div>
      {sources.length > 0 && (
        <ul class="prex-sources" data-testid="prex-sources" aria-label="Sources">
          {sources.map((c, i) => (
            <li key={c.sourceId}>
              <Source c={c} n={i + 1} />
            </li>
          ))}
        </ul>
      )}
      {m.role === 'user' && status === 'error' && <p class="prex-meta">Not sent</p>}
      {m.role === 'assistant' && status === 'stopped' && <p class="prex-meta">Stopped</p>}
      {m.role === 'assistant' && status === 'error' && <p class="prex-meta">Answer interrupted</p>}
    </div>
  );
}

/** "Billing › Refunds" under the document "Billing" reads as "Billing · Refunds". */
export function sectionLabel(c: Citation): string | undefined {
  const s = c.section?.trim();
  if (!s || s === c.title) return undefined;
  const prefix = `${c.title} › `;
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

function Source({ c, n }: { c: Citation; n: number }) {
  const section = sectionLabel(c);
  const body = (
    <>
      <span class="prex-source-n">{n}</span>
      <span class="prex-source-title">{c.title}</span>
      {section && <span class="prex-source-section">· {section}</span>}
    </>
  );
  return c.url && isSafeLink(c.url) ? (
    <a
      class="prex-source"
      data-testid="prex-source"
      href={c.url}
      target="_blank"
      rel="noopener noreferrer"
      title={c.snippet || undefined}
    >
      {body}
    </a>
  ) : (
    <span class="prex-source" data-testid="prex-source" title={c.snippet || undefined}>
      {body}
    </span>
  );
}

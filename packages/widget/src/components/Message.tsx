import type { Citation } from '@prex/protocol';
import { isSafeLink } from '@prex/protocol/wire';
import { useState } from 'preact/hooks';
import type { Strings } from '../i18n/index.js';
import { Markdown } from '../markdown/index.js';
import type { Store, UiMessage } from '../store.js';
import { BotIcon, PersonIcon, ThumbDownIcon, ThumbUpIcon } from './icons.js';

/**
 * One message. The visitor's text is one text node; an answer's Markdown is built as VNodes by
 * markdown/ (no HTML string from the server ever reaches the DOM).
 */
export function Message({ m, store }: { m: UiMessage; store: Store }) {
  const t = store.strings.value;
  const status = m.status.value;
  const sources = m.sources.value;
  const text = m.text.value;
  const live = status === 'pending' || status === 'streaming';
  const bot = m.role === 'assistant';
  const waiting = bot && live && text === '';
  const who = bot ? (m.author === 'human' ? t.human : t.bot) : t.you;
  return (
    <div
      class="prex-msg"
      data-testid="prex-message"
      data-role={m.role}
      data-status={status}
      data-author={bot ? m.author : undefined}
      data-message-id={m.id.value}
      aria-busy={bot && live ? 'true' : undefined}
    >
      {bot && (
        <span class="prex-avatar" data-testid="prex-avatar" data-author={m.author} title={who} aria-hidden="true">
          {m.author === 'human' ? <PersonIcon /> : <BotIcon />}
        </span>
      )}
      <div class="prex-body">
        {m.author === 'human' && bot && (
          <span class="prex-badge" data-testid="prex-author">
            {who}
          </span>
        )}
        <div class="prex-bubble">
          <span class="prex-sr">{who}: </span>
          {waiting ? (
            <span class="prex-typing" data-testid="prex-typing" role="status" aria-label={t.typing}>
              <i />
              <i />
              <i />
            </span>
          ) : bot ? (
            <div class="prex-text prex-md" data-testid="prex-message-text">
              <Markdown text={text} partial={live} t={t} />
            </div>
          ) : (
            <p class="prex-text" data-testid="prex-message-text">
              {m.text}
            </p>
          )}
        </div>
        {sources.length > 0 && (
          <ul class="prex-sources" data-testid="prex-sources" aria-label={t.sources}>
            {sources.map((c, i) => (
              <li key={c.sourceId}>
                <Source c={c} n={i + 1} />
              </li>
            ))}
          </ul>
        )}
        {!bot && status === 'error' && (
          <p class="prex-meta">
            {t.notSent}
            {!store.busy.value && (
              <button type="button" class="prex-link" data-testid="prex-resend" onClick={() => store.resend(m)}>
                {t.resend}
              </button>
            )}
          </p>
        )}
        {bot && status === 'stopped' && <p class="prex-meta">{t.stopped}</p>}
        {bot && status === 'error' && <p class="prex-meta">{t.interrupted}</p>}
        {bot && status === 'complete' && m.id.value && text && <Feedback m={m} store={store} t={t} />}
      </div>
    </div>
  );
}

/** Thumbs up/down under a finished answer, then an optional comment. */
function Feedback({ m, store, t }: { m: UiMessage; store: Store; t: Strings }) {
  const fb = m.feedback.value;
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState('');
  const thumb = (rating: 'up' | 'down', label: string, Icon: () => preact.JSX.Element) => (
    <button
      type="button"
      class="prex-thumb"
      data-testid={`prex-feedback-${rating}`}
      aria-label={label}
      title={label}
      aria-pressed={fb?.rating === rating ? 'true' : 'false'}
      onClick={() => {
        void store.feedback(m, rating);
        setCommenting(true);
      }}
    >
      <Icon />
    </button>
  );
  return (
    <div class="prex-feedback" data-testid="prex-feedback" data-rating={fb?.rating} data-state={fb?.state}>
      <div class="prex-thumbs">
        {thumb('up', t.helpful, ThumbUpIcon)}
        {thumb('down', t.notHelpful, ThumbDownIcon)}
        {fb?.state === 'saved' && !commenting && (
          <span class="prex-meta" data-testid="prex-feedback-thanks" role="status">
            {t.feedbackThanks}
          </span>
        )}
      </div>
      {commenting && fb && (
        <form
          class="prex-comment"
          onSubmit={(e) => {
            e.preventDefault();
            void store.feedback(m, fb.rating, comment);
            setCommenting(false);
          }}
        >
          <textarea
            class="prex-input"
            data-testid="prex-feedback-comment"
            aria-label={t.commentLabel}
            placeholder={t.commentLabel}
            rows={2}
            maxLength={1000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit" class="prex-retry" data-testid="prex-feedback-submit">
            {t.commentSend}
          </button>
        </form>
      )}
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

import type { Citation } from '@prex/protocol';
import { isSafeLink } from '@prex/protocol/wire';
import { useState } from 'preact/hooks';
import { fill, type Strings } from '../i18n/index.js';
import { Markdown, type Cite } from '../markdown/index.js';
import type { UiMessage } from '../message.js';
import type { Store } from '../store.js';
import { attachChunk, loadAttach } from '../attach-slot.js';
import { imageAllowed } from '../image-hosts.js';
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
  const who = bot ? (m.author === 'human' ? m.name || t.human : t.bot) : t.you;
  // A message with files draws them with the attachments chunk, loaded when one first shows.
  const Files = attachChunk.value?.Files;
  if (m.files && !Files) void loadAttach();
  // `[n]` in the text leads to source card n (a button: an in-page link would change the host page's URL).
  const cite: Cite = (n) => {
    const c = sources[n - 1];
    return c ? (
      <button
        type="button"
        class="prex-cite"
        data-testid="prex-cite"
        aria-label={`${fill(t.source, n)}: ${c.title}`}
        onClick={(e) => (e.currentTarget.getRootNode() as ShadowRoot).getElementById?.(cardId(m, n))?.focus()}
      >
        {/* the brackets are not drawn, but copied with the text: "[1]", as the answer says */}
        <span class="prex-sr">[</span>
        {n}
        <span class="prex-sr">]</span>
      </button>
    ) : null;
  };
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
              <Markdown text={text} partial={live} t={t} cite={cite} img={imageAllowed(store.imageHosts.value)} />
            </div>
          ) : m.files ? (
            Files && <Files m={m} store={store} />
          ) : (
            <p class="prex-text" data-testid="prex-message-text">
              {m.text}
            </p>
          )}
        </div>
        {sources.length > 0 && (
          <ul class="prex-sources" data-testid="prex-sources" aria-label={t.sources}>
            {sources.map((c, i) => (
              <Source key={c.sourceId} c={c} n={i + 1} id={cardId(m, i + 1)} />
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
        {bot && m.author !== 'human' && status === 'complete' && m.id.value && text && <Feedback m={m} store={store} t={t} />}
      </div>
    </div>
  );
}

/**
 * Thumbs up/down under a finished answer of the assistant. A thumbs down asks what could be
 * better; that box goes away once the visitor moves on (asks something else) or presses Escape.
 */
function Feedback({ m, store, t }: { m: UiMessage; store: Store; t: Strings }) {
  const fb = m.feedback.value;
  const [asking, setAsking] = useState(false);
  const [comment, setComment] = useState('');
  const commenting = asking && store.messages.value.at(-1) === m;
  // The box goes away: keep the keyboard user on the pressed thumb, not on <body>.
  const done = (form: HTMLFormElement) => {
    form.parentElement?.querySelector<HTMLElement>('[aria-pressed="true"]')?.focus();
    setAsking(false);
  };
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
        setAsking(rating === 'down');
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
            done(e.currentTarget);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              done(e.currentTarget);
            }
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

const cardId = (m: UiMessage, n: number) => `prex-src-${m.key}-${n}`;

/**
 * A source card: the title and the section in full (each on its own line), the quoted passage
 * shown on hover and on keyboard focus. A card with a safe URL is a link; one without is still
 * focusable, so the passage is reachable by keyboard.
 */
function Source({ c, n, id }: { c: Citation; n: number; id: string }) {
  const section = sectionLabel(c);
  const quote = c.snippet ? `${id}-q` : undefined;
  const body = (
    <>
      <span class="prex-source-n">{n}</span>
      <span class="prex-source-title">{c.title}</span>
      {section && <span class="prex-source-section">{section}</span>}
    </>
  );
  const card = { id, class: 'prex-source', 'data-testid': 'prex-source', 'aria-describedby': quote };
  return (
    <li>
      {c.url && isSafeLink(c.url) ? (
        <a {...card} href={c.url} target="_blank" rel="noopener noreferrer">
          {body}
        </a>
      ) : (
        <div {...card} tabIndex={0}>
          {body}
        </div>
      )}
      {quote && (
        <blockquote class="prex-source-quote" id={quote} data-testid="prex-source-quote">
          {c.snippet}
        </blockquote>
      )}
    </li>
  );
}

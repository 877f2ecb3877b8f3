import { useEffect, useRef, useState } from 'preact/hooks';
import { STAFF_INBOX_ROUTES, STAFF_ROUTES } from '@prex/protocol/wire';
import type { CannedRepliesResponse, CannedReply } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { streamDraft } from './draft.js';

/** Staff typing notices are repeated at most this often while they write (the widget shows one for a few seconds). */
const TYPING_EVERY_MS = 3000;

let cannedCache: Promise<CannedReply[]> | null = null;
function cannedReplies(): Promise<CannedReply[]> {
  cannedCache ??= api<CannedRepliesResponse>('GET', STAFF_INBOX_ROUTES.cannedReplies).then(
    (r) => r.cannedReplies,
    (error: unknown) => {
      cannedCache = null;
      throw error;
    },
  );
  return cannedCache;
}

/** "/ref" at the start of the composer: the canned replies whose shortcut starts with "ref". */
function cannedQuery(text: string): string | null {
  const match = /^\/([a-z0-9_-]*)$/i.exec(text);
  return match ? match[1]!.toLowerCase() : null;
}

export function Composer({ sessionId, onSent }: { sessionId: string; onSent(): Promise<void> }) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const [drafting, setDrafting] = useState<AbortController | null>(null);
  const [draftSources, setDraftSources] = useState<string[]>([]);
  const lastTyping = useRef(0);
  const query = cannedQuery(text);
  const matches = query === null ? [] : canned.filter((c) => c.shortcut.startsWith(query)).slice(0, 8);

  useEffect(() => {
    cannedReplies().then(setCanned, () => setCanned([]));
    return () => drafting?.abort();
  }, []);

  function onInput(value: string) {
    setText(value);
    if (mode !== 'reply' || !value.trim()) return;
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    // Best effort: a lost typing notice costs nothing. The server signs it (and replies) with the
    // account's display name, so the visitor never sees anything made from an email.
    void api('POST', path(STAFF_ROUTES.conversationTyping, { sessionId }), {}).catch(() => undefined);
  }

  async function submit(event?: Event) {
    event?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'reply') await api('POST', path(STAFF_ROUTES.conversationReplies, { sessionId }), { text: body });
      else await api('POST', path(STAFF_INBOX_ROUTES.notes, { sessionId }), { text: body });
      setText('');
      setDraftSources([]);
      lastTyping.current = 0;
      await onSent();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function draft() {
    const controller = new AbortController();
    setDrafting(controller);
    setError(null);
    setMode('reply');
    // "@prex shorter please" in the composer: what follows @prex is the instruction for the draft.
    const instruction = /^@prex\b\s*(.*)$/is.exec(text)?.[1]?.trim() || undefined;
    setText('');
    setDraftSources([]);
    try {
      await streamDraft(sessionId, instruction, { onText: (d) => setText((t) => t + d), onSource: (s) => setDraftSources((all) => (all.includes(s) ? all : [...all, s])) }, controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) setError(messageOf(err));
    } finally {
      setDrafting(null);
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (matches.length > 0 && (event.key === 'Tab' || event.key === 'Enter')) {
      event.preventDefault();
      setText(matches[0]!.text);
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
    if (event.key === 'Enter' && !event.shiftKey && /^@prex\b/i.test(text)) {
      event.preventDefault();
      void draft();
    }
    if (event.key === 'Escape') (event.currentTarget as HTMLElement).blur();
  }

  return (
    <form class={`composer mode-${mode}`} onSubmit={submit} data-testid="composer">
      <div role="group" aria-label="Write a" class="tabs small">
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          Reply
        </button>
        <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          Private note
        </button>
      </div>
      <label for="composer" class="visually-hidden">
        {mode === 'reply' ? 'Reply to the visitor' : 'Private note for the team'}
      </label>
      <textarea
        id="composer"
        rows={4}
        value={text}
        placeholder={mode === 'reply' ? 'Reply… (“/” for canned replies, “@prex” or Draft reply for an AI draft, Ctrl+Enter to send)' : 'A note only the team sees'}
        onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-help"
        readOnly={drafting !== null}
      />
      {matches.length > 0 && (
        <ul class="canned-suggestions" role="listbox" aria-label="Canned replies" data-testid="canned-suggestions">
          {matches.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === 0} onMouseDown={(e) => (e.preventDefault(), setText(c.text))}>
              <code>/{c.shortcut}</code> {c.text.slice(0, 80)}
            </li>
          ))}
        </ul>
      )}
      {draftSources.length > 0 && (
        <p class="muted" data-testid="draft-sources">
          Draft sources: {draftSources.join(' · ')}
        </p>
      )}
      <p id="composer-help" class="visually-hidden">
        Type slash and a shortcut to insert a canned reply.
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="composer-actions">
        {drafting ? (
          <button type="button" onClick={() => drafting.abort()}>
            Stop draft
          </button>
        ) : (
          <button type="button" onClick={draft} data-testid="draft-reply">
            Draft reply
          </button>
        )}
        <button type="submit" class="primary" disabled={busy || drafting !== null || !text.trim()}>
          {mode === 'reply' ? 'Send reply' : 'Add note'}
        </button>
      </div>
    </form>
  );
}

import type { AttachmentPart, ChatMessage, Citation, MessageAuthor } from '@prex/protocol';
import { signal, type Signal } from '@preact/signals';

/* One message of the pane's list: what the components read, and how one is made. */

/** `pending`: sent, nothing back yet. The rest mirror the server's message statuses. */
export type UiStatus = 'pending' | 'streaming' | 'complete' | 'stopped' | 'error';

export interface UiMessage {
  /** Stable local key (the server id arrives later for new messages). */
  readonly key: string;
  readonly role: 'user' | 'assistant';
  readonly id: Signal<string | undefined>;
  readonly text: Signal<string>;
  readonly status: Signal<UiStatus>;
  readonly sources: Signal<Citation[]>;
  /** Assistant messages: Prex's bot, or a human agent after a handoff. */
  readonly author: MessageAuthor;
  /** A human agent's name, when the team gave one. */
  readonly name?: string | undefined;
  /** The visitor's thumbs on an answer (sent to the backend). */
  readonly feedback: Signal<Feedback | null>;
  /** Files the visitor attached (the attach/ chunk shows them). */
  files?: AttachmentPart[] | undefined;
}

export interface Feedback {
  rating: 'up' | 'down';
  comment?: string | undefined;
  /** 'saving' until the backend stored it; 'failed' if it did not. */
  state: 'saving' | 'saved' | 'failed';
}

let keySeq = 0;
export function makeMessage(
  role: UiMessage['role'],
  text = '',
  status: UiStatus = 'complete',
  id?: string,
  sources: Citation[] = [],
  author: MessageAuthor = 'bot',
  name?: string,
): UiMessage {
  return {
    key: `m${++keySeq}`,
    role,
    id: signal(id),
    text: signal(text),
    status: signal(status),
    sources: signal(sources),
    author,
    name,
    feedback: signal(null),
  };
}

/** A message as the server stored it, for the list. */
export function fromServer(m: ChatMessage): UiMessage {
  const ui = makeMessage(m.role, m.text, m.status, m.id, m.sources, m.author === 'human' ? 'human' : 'bot', m.authorName);
  ui.files = m.attachments;
  if (m.feedback?.rating) ui.feedback.value = { rating: m.feedback.rating, comment: m.feedback.comment ?? undefined, state: 'saved' };
  return ui;
}

/** Markdown → roughly what a screen reader should say (markers dropped). */
export const plain = (md: string) =>
  md
    .replace(/```[^\n]*\n?/g, '')
    .replace(/\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
    .replace(/[*_`#>|~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The conversation's event stream while a person has it: staff replies (each once, announced),
 * "someone is writing", and the handoff's end. Only this module writes `typing` and the cursor.
 */
import type { ConversationStreamEvent } from '@prex/protocol';
import { signal, type ReadonlySignal } from '@preact/signals';
import type { ApiClient } from './api.js';
import type { Handoff } from './handoff.js';
import { fromServer, type UiMessage } from './message.js';
import { readAnswerStream, type AnswerStreamOptions } from './stream.js';

export interface StaffEventsDeps {
  api: ApiClient;
  session(): Promise<string>;
  handoff: Handoff;
  /** The messages shown; a staff reply not yet among them is appended. */
  has(id: string): boolean;
  append(message: UiMessage): void;
  stream?: Pick<AnswerStreamOptions, 'backoffMs' | 'stallMs' | 'events'> | undefined;
}

export interface StaffEvents {
  /** A staff member is writing (their name, or '' without one); null when nobody is. */
  typing: ReadonlySignal<string | null>;
  /** Follows the events after `cursor` until `signal` aborts. */
  follow(signal: AbortSignal): void;
  /** The id of the conversation's last event seen: the history sets it, a new conversation clears it. */
  setCursor(id: number): void;
  clear(): void;
}

/** Staff send "typing" again while they write; this long a silence means they stopped. */
const TYPING_SILENCE_MS = 6000;

export function createStaffEvents({ api, session, handoff, has, append, stream }: StaffEventsDeps): StaffEvents {
  const typing = signal<string | null>(null);
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let cursor = 0;

  function apply(e: ConversationStreamEvent) {
    clearTimeout(typingTimer);
    typing.value = null;
    if (e.type === 'staff-typing') {
      typing.value = e.name ?? '';
      typingTimer = setTimeout(() => (typing.value = null), TYPING_SILENCE_MS);
    } else if (e.type === 'handoff') {
      if (e.status === 'open') handoff.fromStream({ status: 'open', escalationId: e.escalationId });
      else handoff.clear();
    } else if (!has(e.message.id)) append(fromServer(e.message));
  }

  /** Through the answer stream's reader: a drop reconnects with the last id applied, so nothing is lost or applied twice. */
  function follow(signal: AbortSignal) {
    const open = async (last: number, s: AbortSignal) => api.events(await session(), last, s);
    readAnswerStream({
      ...stream,
      maxAttempts: Infinity,
      messageId: 'events',
      lastEventId: cursor,
      signal,
      connect: (s) => open(cursor, s),
      reconnect: (_id, last, s) => open(last, s),
      onChunk: (c, seq) => {
        if (seq > cursor) cursor = seq;
        apply(c as unknown as ConversationStreamEvent);
      },
    }).catch(() => {
      /* an older backend without the stream: staff replies show after a reload */
    });
  }

  return {
    typing,
    follow,
    setCursor: (id) => void (cursor = id),
    clear: () => {
      clearTimeout(typingTimer);
      cursor = 0;
      typing.value = null;
    },
  };
}

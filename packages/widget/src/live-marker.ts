/**
 * "A person has this device's conversation", kept in localStorage["prex:[<namespace>:]<key>:live"]
 * while the team has it. The launcher reads it on every page: with it, it mounts the pane (closed)
 * at once, so the team's replies reach the badge on a page where the visitor never opened the
 * chat; without it, the pane waits for the visitor's intent as always (no pane bytes before).
 *
 * Its value is the id of the last message the visitor has seen in the open pane, so replies that
 * arrived between two pages, or while no page of the site was open, count on the badge too.
 */
import type { UiMessage } from './message.js';
import { storagePrefix } from './session.js';

export const liveStorageKey = (publishableKey: string, namespace?: string) => `${storagePrefix(publishableKey, namespace)}live`;

export interface LiveMarker {
  /** The last message id the visitor saw ('-' for none); null when no person has the conversation. */
  seen(): string | null;
  /** A person has the conversation and the visitor has seen up to `messages`' last message. */
  mark(messages: readonly UiMessage[]): void;
  clear(): void;
}

export function createLiveMarker(publishableKey: string, storage?: Storage | null, namespace?: string): LiveMarker {
  const key = liveStorageKey(publishableKey, namespace);
  let store: Storage | null = null;
  try {
    store = storage ?? globalThis.localStorage ?? null;
  } catch {
    /* storage blocked: the badge counts only on pages where the pane is loaded */
  }
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  return {
    seen: () => attempt(() => store?.getItem(key) ?? null, null),
    mark: (messages) => attempt(() => store?.setItem(key, lastId(messages)), undefined),
    clear: () => attempt(() => store?.removeItem(key), undefined),
  };
}

/** The team's replies after `seen` (the visitor's last seen message); none when it is not in the list. */
export function unseenReplies(messages: readonly UiMessage[], seen: string): number {
  const from = messages.findIndex((m) => m.id.peek() === seen);
  if (from < 0) return 0;
  return messages.slice(from + 1).filter((m) => m.role === 'assistant' && m.author === 'human').length;
}

/** Never empty: the launcher reads an empty value as no mark. */
const lastId = (messages: readonly UiMessage[]): string => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const id = messages[i]!.id.peek();
    if (id) return id;
  }
  return '-';
};

/**
 * The history view's list: the conversations kept on this device, as the backend summarises them.
 * Only this module writes the list; the view reads it and asks for a reload.
 */
import type { ConversationSummary } from '@prex/protocol';
import { signal, type ReadonlySignal } from '@preact/signals';
import type { ApiClient } from './api.js';
import type { ConversationTokens } from './conversations.js';
import type { TokenStore } from './session.js';

/** A previous conversation in the history list. */
export interface Conversation extends Omit<ConversationSummary, 'index'> {
  token: string;
  current: boolean;
}

export interface HistoryList {
  /** null while loading. */
  list: ReadonlySignal<Conversation[] | null>;
  /** Fetches the summaries again (the list shows "loading" meanwhile). */
  load(): Promise<void>;
  /** The customer's conversations from other devices join the list (after verification). */
  adopt(tokens: string[]): void;
}

export function createHistoryList(api: ApiClient, tokens: TokenStore, kept: ConversationTokens): HistoryList {
  const list = signal<Conversation[] | null>(null);

  async function load() {
    list.value = null;
    const saved = kept.list();
    const now = tokens.get();
    try {
      const { conversations: found } = saved.length ? await api.summaries(saved) : { conversations: [] };
      // The backend answers only for tokens it still knows; the others are forgotten here too.
      kept.keep(found.map((c) => saved[c.index]!));
      list.value = found
        .map(({ index, ...c }) => ({ ...c, token: saved[index]!, current: saved[index] === now }))
        .filter((c) => c.messageCount > 0 || c.current);
    } catch {
      list.value = [];
    }
  }

  function adopt(found: string[]) {
    for (const token of found.slice().reverse()) if (!kept.list().includes(token)) kept.add(token);
  }

  return { list, load, adopt };
}

/**
 * The visitor's conversations on this site: the session tokens it has used, newest first, in
 * localStorage["prex:[<namespace>:]<publishableKey>:sessions"] (per tenant and instance, next to
 * the current session's token).
 * The backend turns them into summaries (POST /v1/conversations/summaries), verifying each.
 */
import { storagePrefix } from './session.js';

export const conversationsStorageKey = (publishableKey: string, namespace?: string) => `${storagePrefix(publishableKey, namespace)}sessions`;
const MAX = 20;

export interface ConversationTokens {
  list(): string[];
  add(token: string): void;
  /** Keeps only these (the ones the backend still knows). */
  keep(tokens: string[]): void;
}

export function createConversationTokens(publishableKey: string, storage?: Storage | null, namespace?: string): ConversationTokens {
  const key = conversationsStorageKey(publishableKey, namespace);
  let memory: string[] = [];
  let store: Storage | null = null;
  try {
    store = storage ?? globalThis.localStorage ?? null;
  } catch {
    store = null;
  }
  const read = (): string[] => {
    try {
      const v: unknown = JSON.parse(store?.getItem(key) ?? 'null');
      if (Array.isArray(v)) memory = v.filter((t): t is string => typeof t === 'string');
    } catch {
      /* memory */
    }
    // Drop tokens visibly past their expiry (<sessionId>.<tenantId>.<exp>.<mac>).
    return memory.filter((t) => !(Number(t.split('.')[2]) * 1000 <= Date.now()));
  };
  const write = (list: string[]) => {
    memory = list.slice(0, MAX);
    try {
      store?.setItem(key, JSON.stringify(memory));
    } catch {
      /* memory only */
    }
  };
  return {
    list: read,
    add: (token) => write([token, ...read().filter((t) => t !== token)]),
    keep: (tokens) => write(read().filter((t) => tokens.includes(t))),
  };
}

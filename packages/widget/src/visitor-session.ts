/**
 * The visitor's session token: the one in storage, or a new one created on first need. Callers
 * that ask at the same time share one request.
 */
import type { ApiClient } from './api.js';
import type { ConversationTokens } from './conversations.js';
import type { TokenStore } from './session.js';

/** `onCreated` runs once a new session exists (e.g. to send the visitor's identity with it). */
export function createVisitorSession(api: ApiClient, tokens: TokenStore, kept: ConversationTokens, onCreated: () => void): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return function session() {
    const token = tokens.get();
    if (token) return Promise.resolve(token);
    pending ??= api.createSession().then(
      (s) => {
        tokens.set(s.token);
        kept.add(s.token);
        pending = null;
        onCreated();
        return s.token;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    );
    return pending;
  };
}

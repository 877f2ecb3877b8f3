/**
 * Where the session token lives: `prex:<publishableKey>:session` in localStorage, so two tenants
 * embedded on one origin never share a session; a named instance (`data-prex-namespace="Support"`)
 * uses `prex:Support:<publishableKey>:session`, so two agents of one tenant never share one either.
 * (The loader clears the same key on shutdown.)
 */
export const storagePrefix = (publishableKey: string, namespace?: string) =>
  `prex:${namespace && namespace !== 'Prex' ? `${namespace}:` : ''}${publishableKey}:`;
export const sessionStorageKey = (publishableKey: string, namespace?: string) => `${storagePrefix(publishableKey, namespace)}session`;

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

/** localStorage can throw (blocked third-party storage, Safari private mode): fall back to memory. */
export function createTokenStore(publishableKey: string, storage?: Storage | null, namespace?: string): TokenStore {
  const key = sessionStorageKey(publishableKey, namespace);
  let memory: string | null = null;
  let store: Storage | null = null;
  try {
    store = storage ?? globalThis.localStorage ?? null;
  } catch {
    store = null;
  }
  return {
    get() {
      let token = memory;
      try {
        token = store?.getItem(key) ?? memory;
      } catch {
        /* memory */
      }
      // <sessionId>.<tenantId>.<expiresAtEpochSeconds>.<hmac>: skip a token that has visibly expired.
      const exp = Number(token?.split('.')[2]);
      if (token && Number.isFinite(exp) && exp * 1000 <= Date.now()) {
        this.clear();
        return null;
      }
      return token;
    },
    set(token) {
      memory = token;
      try {
        store?.setItem(key, token);
      } catch {
        /* memory only */
      }
    },
    clear() {
      memory = null;
      try {
        store?.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}

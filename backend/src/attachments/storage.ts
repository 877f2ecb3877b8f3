import { randomBytes } from 'node:crypto';

/**
 * Where attachment bytes live: local disk by default (local-disk-storage.ts), Supabase Storage when
 * configured (supabase-storage.ts); open-storage.ts picks one from the config. The database keeps
 * each file's row (attachments table) and names the bytes by a key this module makes: a random id
 * under the tenant's folder, never the visitor's file name, so no name can reach a path or collide.
 */
export interface AttachmentStorage {
  /** 'local' or 'supabase', for the log and the Operations page. */
  readonly kind: string;
  /** Stores the bytes under a new key; refuses to overwrite one that exists. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or undefined when nothing is stored under the key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes these keys; a key already gone is not an error. */
  remove(keys: readonly string[]): Promise<void>;
}

/** `<tenantId>/<32 random base64url characters>`: the only form a key ever has. */
export function newStorageKey(tenantId: string): string {
  return `${tenantId}/${randomBytes(24).toString('base64url')}`;
}

/** Keys come only from newStorageKey, but storage implementations check anyway (a key is a path on disk). */
export const STORAGE_KEY = /^[A-Za-z0-9_-]{1,100}\/[A-Za-z0-9_-]{32}$/;

export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`Not an attachment storage key: ${JSON.stringify(key)}`);
}

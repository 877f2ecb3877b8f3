import type { SupabaseClient } from '@supabase/supabase-js';
import { assertStorageKey, type AttachmentStorage } from './storage.js';

export interface SupabaseStorageConfig {
  /** The project's URL, https://<ref>.supabase.co. */
  url: string;
  /** The service-role key: the bucket is private, and only this server reads and writes it. */
  serviceRoleKey: string;
  bucket: string;
}

/** Supabase Storage's "not there" arrives as status 404, or as 400 with statusCode "404" (older servers). */
function isNotFound(error: unknown): boolean {
  const e = error as { status?: unknown; statusCode?: unknown };
  return e.status === 404 || e.statusCode === '404' || e.statusCode === 404;
}

/**
 * Attachments in a private Supabase Storage bucket, through `@supabase/supabase-js` with the
 * service-role key (never sent to a browser: visitors and staff get files through Prex's routes,
 * which check who may see them). Objects are named by the storage key, never the visitor's name.
 */
export function createSupabaseStorage(config: SupabaseStorageConfig): AttachmentStorage {
  // supabase-js is loaded by the first file stored or read, not by every start.
  let client: Promise<SupabaseClient> | undefined;
  const bucket = async () => {
    client ??= Promise.all([import('@supabase/supabase-js'), import('ws')]).then(([{ createClient }, { default: ws }]) =>
      createClient(config.url, config.serviceRoleKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        // Node 20 has no global WebSocket, and createClient throws without one (realtime is never used here).
        realtime: { transport: ws as never },
      }),
    );
    return (await client).storage.from(config.bucket);
  };
  return {
    kind: 'supabase',
    async put(key, bytes, contentType) {
      assertStorageKey(key);
      const { error } = await (await bucket()).upload(key, bytes, { contentType, upsert: false, cacheControl: '0' });
      if (error) throw new Error(`Supabase Storage refused the upload: ${error.message}`);
    },
    async get(key) {
      assertStorageKey(key);
      const { data, error } = await (await bucket()).download(key);
      if (error) {
        if (isNotFound(error)) return undefined;
        throw new Error(`Supabase Storage refused the download: ${error.message}`);
      }
      return new Uint8Array(await data.arrayBuffer());
    },
    async remove(keys) {
      if (keys.length === 0) return;
      keys.forEach(assertStorageKey);
      // Removing a name that is not there succeeds with it left out of the answer.
      const { error } = await (await bucket()).remove([...keys]);
      if (error) throw new Error(`Supabase Storage refused to remove files: ${error.message}`);
    },
  };
}

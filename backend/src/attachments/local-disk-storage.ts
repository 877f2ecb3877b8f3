import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertStorageKey, type AttachmentStorage } from './storage.js';

/**
 * Attachments as files under one directory (PREX_ATTACHMENTS_DIR): `<dir>/<tenantId>/<random id>`.
 * Files are written with mode 0600 and never executed or served by path: only the attachment
 * routes read them, by the key their row holds. Several instances need a shared directory, or
 * Supabase Storage.
 */
export function createLocalDiskStorage(dir: string): AttachmentStorage {
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return join(dir, key);
  };
  return {
    kind: 'local',
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // 'wx': a key is never reused; an existing file means a bug, not something to overwrite.
      await writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(keys) {
      await Promise.all(keys.map((key) => rm(pathOf(key), { force: true })));
    },
  };
}

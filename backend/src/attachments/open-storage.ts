import type { Config } from '../config.js';
import { createLocalDiskStorage } from './local-disk-storage.js';
import type { AttachmentStorage } from './storage.js';
import { createSupabaseStorage } from './supabase-storage.js';

/** The storage the config names: Supabase Storage when a bucket is configured, else local disk. */
export function openAttachmentStorage(config: Pick<Config, 'attachments'>): AttachmentStorage {
  const storage = config.attachments.storage;
  return storage.kind === 'supabase' ? createSupabaseStorage(storage) : createLocalDiskStorage(storage.dir);
}

import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_LIMITS, attachmentSettingsSchema, type AttachmentSettings } from '@prex/protocol';
import type { Db } from '../db/db.js';

/** What a tenant that set nothing takes: images, PDFs and text up to 10 MB. */
export const DEFAULT_ATTACHMENT_SETTINGS: AttachmentSettings = {
  enabled: true,
  maxBytes: ATTACHMENT_LIMITS.defaultMaxBytes,
  contentTypes: [...ATTACHMENT_CONTENT_TYPES],
};

/** The tenant's attachment settings (tenants.attachment_settings), the defaults where none are stored. */
export async function attachmentSettings(db: Db, tenantId: string): Promise<AttachmentSettings> {
  const rows = await db.query<{ attachment_settings: unknown }>('select attachment_settings from tenants where id = $1', [tenantId]);
  const stored = attachmentSettingsSchema.safeParse(rows[0]?.attachment_settings);
  return stored.success ? stored.data : DEFAULT_ATTACHMENT_SETTINGS;
}

/** Stores settings already validated at the edge. */
export async function saveAttachmentSettings(db: Db, tenantId: string, settings: AttachmentSettings): Promise<void> {
  await db.query('update tenants set attachment_settings = $2::jsonb where id = $1', [tenantId, JSON.stringify(settings)]);
}

import type { Db } from '../db/db.js';

/** The attachments table: every query names the tenant, and the visitor's reads the session too. */

export interface StoredAttachment {
  id: string;
  tenantId: string;
  sessionId: string;
  messageId: string;
  storageKey: string;
  filename: string;
  contentType: string;
  size: number;
}

interface AttachmentRow {
  id: string;
  tenant_id: string;
  session_id: string;
  message_id: string;
  storage_key: string;
  filename: string;
  content_type: string;
  size_bytes: number;
}

const COLUMNS = 'id, tenant_id, session_id, message_id, storage_key, filename, content_type, size_bytes';

function fromRow(row: AttachmentRow): StoredAttachment {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    messageId: row.message_id,
    storageKey: row.storage_key,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size_bytes),
  };
}

export async function insertAttachment(tx: Db, attachment: StoredAttachment): Promise<void> {
  await tx.query(
    `insert into attachments (id, tenant_id, session_id, message_id, storage_key, filename, content_type, size_bytes)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [attachment.id, attachment.tenantId, attachment.sessionId, attachment.messageId, attachment.storageKey, attachment.filename, attachment.contentType, attachment.size],
  );
}

/** An attachment of the tenant; with `sessionId`, only if it is in that conversation. */
export async function findAttachment(db: Db, scope: { tenantId: string; attachmentId: string; sessionId?: string }): Promise<StoredAttachment | undefined> {
  const rows = await db.query<AttachmentRow>(
    `select ${COLUMNS} from attachments where tenant_id = $1 and id = $2 and ($3::text is null or session_id = $3)`,
    [scope.tenantId, scope.attachmentId, scope.sessionId ?? null],
  );
  const row = rows[0];
  return row ? fromRow(row) : undefined;
}

export async function countSessionAttachments(db: Db, tenantId: string, sessionId: string): Promise<number> {
  const rows = await db.query<{ n: number | string }>('select count(*) as n from attachments where tenant_id = $1 and session_id = $2', [tenantId, sessionId]);
  return Number(rows[0]?.n ?? 0);
}

/** Files whose row was deleted (the trigger of migrations/037 records them), oldest first. */
export async function pendingErasures(db: Db, limit: number): Promise<Array<{ tenantId: string; storageKey: string }>> {
  const rows = await db.query<{ tenant_id: string; storage_key: string }>(
    'select tenant_id, storage_key from attachment_erasures order by erased_at, storage_key limit $1',
    [limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, storageKey: r.storage_key }));
}

export async function forgetErasures(db: Db, erased: ReadonlyArray<{ tenantId: string; storageKey: string }>): Promise<void> {
  if (erased.length === 0) return;
  await db.query(
    `delete from attachment_erasures e using unnest($1::text[], $2::text[]) as done(tenant_id, storage_key)
      where e.tenant_id = done.tenant_id and e.storage_key = done.storage_key`,
    [erased.map((e) => e.tenantId), erased.map((e) => e.storageKey)],
  );
}

import type { AttachmentPart } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newMessageId } from './messages.js';

/**
 * The visitor's message that carries a file: a user message with no text (so it never reaches a
 * model's history, which skips empty text) and the file as its part. Run inside the transaction
 * that records the attachment itself (attachments/repository.ts): both rows or neither.
 */
export async function insertAttachmentMessage(
  tx: Db,
  scope: { tenantId: string; sessionId: string; attachment: AttachmentPart },
): Promise<{ id: string; createdAt: Date }> {
  const rows = await tx.query<{ id: string; created_at: Date | string }>(
    `insert into messages (id, tenant_id, session_id, role, text, status, finished_at, attachments)
     values ($1, $2, $3, 'user', '', 'complete', clock_timestamp(), $4::jsonb)
     returning id, created_at`,
    [newMessageId(), scope.tenantId, scope.sessionId, JSON.stringify([scope.attachment])],
  );
  const row = rows[0]!;
  return { id: row.id, createdAt: new Date(row.created_at) };
}

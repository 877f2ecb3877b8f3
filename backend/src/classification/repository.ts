import type { Db } from '../db/db.js';
import type { Classification } from './types.js';

export interface LabelToSave extends Classification {
  tenantId: string;
  messageId: string;
}

/**
 * Stores how a user message was classified. Only the tenant's own user messages are labelled;
 * returns false when no such message exists (nothing is written then).
 */
export async function saveLabel(db: Db, toSave: LabelToSave): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `update messages set label = $3, label_source = $4
     where tenant_id = $1 and id = $2 and role = 'user'
     returning id`,
    [toSave.tenantId, toSave.messageId, toSave.label, toSave.source],
  );
  return rows.length > 0;
}

import type { Db } from '../db/db.js';

/** Days after which the tenant's quiet conversations are deleted; null: they are kept. */
export async function conversationRetentionDays(db: Db, tenantId: string): Promise<number | null> {
  const rows = await db.query<{ conversation_retention_days: number | null }>('select conversation_retention_days from tenants where id = $1', [tenantId]);
  return rows[0]?.conversation_retention_days ?? null;
}

/** Sets the retention period (already validated at the edge); null turns deletion off. */
export async function setConversationRetentionDays(db: Db, tenantId: string, days: number | null): Promise<void> {
  await db.query('update tenants set conversation_retention_days = $2 where id = $1', [tenantId, days]);
}

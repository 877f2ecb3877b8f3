import { INBOX_LIMITS, type CannedReply } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** The team's canned replies (table canned_replies), one per shortcut. Every query filters by tenant. */

interface CannedRow {
  id: string;
  shortcut: string;
  text: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, shortcut, text, created_at, updated_at';

function toCannedReply(row: CannedRow): CannedReply {
  return { id: row.id, shortcut: row.shortcut, text: row.text, createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString() };
}

/** Postgres' unique_violation: another reply of the tenant has the shortcut (raced past the check). */
const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

export async function listCannedReplies(db: Db, tenantId: string): Promise<CannedReply[]> {
  const rows = await db.query<CannedRow>(`select ${COLUMNS} from canned_replies where tenant_id = $1 order by shortcut`, [tenantId]);
  return rows.map(toCannedReply);
}

export type CannedWriteOutcome = { cannedReply: CannedReply } | 'duplicate' | 'full' | 'missing';

/** Adds a reply unless the shortcut is taken or the tenant has INBOX_LIMITS.maxCannedReplies already. */
export async function addCannedReply(db: Db, tenantId: string, input: { shortcut: string; text: string }): Promise<CannedWriteOutcome> {
  try {
    const rows = await db.query<CannedRow>(
      `insert into canned_replies (id, tenant_id, shortcut, text)
       select $1, $2, $3, $4 where (select count(*) from canned_replies where tenant_id = $2) < $5
       on conflict (tenant_id, shortcut) do nothing
       returning ${COLUMNS}`,
      [newId('cnr'), tenantId, input.shortcut, input.text, INBOX_LIMITS.maxCannedReplies],
    );
    if (rows[0]) return { cannedReply: toCannedReply(rows[0]) };
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
  return (await findByShortcut(db, tenantId, input.shortcut)) ? 'duplicate' : 'full';
}

export async function updateCannedReply(db: Db, scope: { tenantId: string; id: string }, change: { shortcut?: string | undefined; text?: string | undefined }): Promise<CannedWriteOutcome> {
  try {
    const rows = await db.query<CannedRow>(
      `update canned_replies set shortcut = coalesce($3, shortcut), text = coalesce($4, text), updated_at = now()
        where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
      [scope.tenantId, scope.id, change.shortcut ?? null, change.text ?? null],
    );
    return rows[0] ? { cannedReply: toCannedReply(rows[0]) } : 'missing';
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

/** True when it existed (and is gone). */
export async function deleteCannedReply(db: Db, scope: { tenantId: string; id: string }): Promise<boolean> {
  const rows = await db.query('delete from canned_replies where tenant_id = $1 and id = $2 returning id', [scope.tenantId, scope.id]);
  return rows.length > 0;
}

async function findByShortcut(db: Db, tenantId: string, shortcut: string): Promise<boolean> {
  return (await db.query('select 1 from canned_replies where tenant_id = $1 and shortcut = $2', [tenantId, shortcut])).length > 0;
}

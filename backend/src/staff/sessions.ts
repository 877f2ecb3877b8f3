import type { StaffRole } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** The only code that touches staff_sessions: a signed-in browser per row, found by its token's hash. */

/** A console session lasts a working week; logout (or logout everywhere) ends it sooner. */
export const STAFF_SESSION_TTL_MS = 7 * 24 * 3600_000;

export interface LiveStaffSession {
  sessionId: string;
  accountId: string;
  tenantId: string;
  email: string;
  role: StaffRole;
  expiresAt: Date;
}

export async function insertSession(db: Db, input: { tokenHash: string; accountId: string; tenantId: string }): Promise<{ sessionId: string; expiresAt: Date }> {
  const rows = await db.query<{ id: string; expires_at: Date }>(
    `insert into staff_sessions (id, token_hash, staff_id, tenant_id, expires_at)
     values ($1, $2, $3, $4, now() + make_interval(secs => $5 / 1000.0)) returning id, expires_at`,
    [newId('sts'), input.tokenHash, input.accountId, input.tenantId, STAFF_SESSION_TTL_MS],
  );
  return { sessionId: rows[0]!.id, expiresAt: new Date(rows[0]!.expires_at) };
}

/** The session of this token hash when it is neither revoked nor expired, with its account as it is now (role changes apply at once). */
export async function findLiveSession(db: Db, tokenHash: string): Promise<LiveStaffSession | undefined> {
  const rows = await db.query<{ id: string; staff_id: string; tenant_id: string; email: string; role: StaffRole; expires_at: Date }>(
    `select s.id, s.staff_id, s.tenant_id, a.email, a.role, s.expires_at
       from staff_sessions s join staff_accounts a on a.id = s.staff_id and a.tenant_id = s.tenant_id
      where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
    [tokenHash],
  );
  const row = rows[0];
  return row && { sessionId: row.id, accountId: row.staff_id, tenantId: row.tenant_id, email: row.email, role: row.role, expiresAt: new Date(row.expires_at) };
}

export async function revokeSession(db: Db, tenantId: string, sessionId: string): Promise<void> {
  await db.query('update staff_sessions set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null', [tenantId, sessionId]);
}

/** Ends every session of the account (every browser it signed in from); returns how many were live. */
export async function revokeAccountSessions(db: Db, tenantId: string, accountId: string): Promise<number> {
  const rows = await db.query<{ id: string }>(
    'update staff_sessions set revoked_at = now() where tenant_id = $1 and staff_id = $2 and revoked_at is null and expires_at > now() returning id',
    [tenantId, accountId],
  );
  return rows.length;
}

/** Ends the account's sessions except `keepSessionId` (the browser that asked); returns how many were live. */
export async function revokeOtherSessions(db: Db, tenantId: string, accountId: string, keepSessionId: string): Promise<number> {
  const rows = await db.query<{ id: string }>(
    'update staff_sessions set revoked_at = now() where tenant_id = $1 and staff_id = $2 and id <> $3 and revoked_at is null and expires_at > now() returning id',
    [tenantId, accountId, keepSessionId],
  );
  return rows.length;
}

import type { StaffInvite, StaffRole } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** The only code that touches staff_invites. A token is found by its SHA-256 and used once. */

/** An invite link works for three days: long enough to be read after a weekend, short enough to go stale. */
export const INVITE_TTL_MS = 72 * 3600_000;

interface InviteRow {
  id: string;
  tenant_id: string;
  email: string;
  role: StaffRole;
  created_at: Date;
  expires_at: Date;
}

export interface StoredInvite extends StaffInvite {
  tenantId: string;
}

const COLUMNS = 'id, tenant_id, email, role, created_at, expires_at';

function fromRow(row: InviteRow): StoredInvite {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    role: row.role,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export function publicInvite(invite: StoredInvite): StaffInvite {
  return { id: invite.id, email: invite.email, role: invite.role, createdAt: invite.createdAt, expiresAt: invite.expiresAt };
}

/** A new invite; an earlier invite of the same email to the same tenant, not yet accepted, stops working. */
export async function insertInvite(db: Db, input: { tenantId: string; email: string; role: StaffRole; tokenHash: string; invitedBy: string | null }): Promise<StoredInvite> {
  return db.transaction(async (tx) => {
    await tx.query('delete from staff_invites where tenant_id = $1 and email = $2 and accepted_at is null', [input.tenantId, input.email]);
    const rows = await tx.query<InviteRow>(
      `insert into staff_invites (id, tenant_id, email, role, token_hash, invited_by, expires_at)
       values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7 / 1000.0)) returning ${COLUMNS}`,
      [newId('inv'), input.tenantId, input.email, input.role, input.tokenHash, input.invitedBy, INVITE_TTL_MS],
    );
    return fromRow(rows[0]!);
  });
}

/**
 * Marks the invite of this token hash accepted, if it is unused and unexpired, and returns it;
 * inside the caller's transaction, so the account is created with it or not at all. Two
 * acceptances racing: the update lets one through.
 */
export async function claimInvite(tx: Db, tokenHash: string): Promise<StoredInvite | undefined> {
  const rows = await tx.query<InviteRow>(
    `update staff_invites set accepted_at = now()
      where token_hash = $1 and accepted_at is null and expires_at > now() returning ${COLUMNS}`,
    [tokenHash],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Invites not yet accepted nor expired, newest first. */
export async function listPendingInvites(db: Db, tenantId: string): Promise<StaffInvite[]> {
  const rows = await db.query<InviteRow>(
    `select ${COLUMNS} from staff_invites where tenant_id = $1 and accepted_at is null and expires_at > now() order by created_at desc, id`,
    [tenantId],
  );
  return rows.map((row) => publicInvite(fromRow(row)));
}

/** Withdraws an invitation not yet accepted: its link stops working at once. False when there was none. */
export async function deletePendingInvite(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('delete from staff_invites where tenant_id = $1 and id = $2 and accepted_at is null returning id', [tenantId, id]);
  return rows.length > 0;
}

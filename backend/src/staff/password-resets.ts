import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/**
 * The only code that touches staff_password_resets. Like invites, a token is found by its SHA-256
 * and used once; a reset names one account of one tenant.
 */

/** A reset link works for an hour: a reset is asked for when it is needed, and a stale link in a mailbox is a risk. */
export const PASSWORD_RESET_TTL_MS = 3600_000;

/** A new reset for the account; its earlier unused resets stop working (only the newest link counts). */
export async function insertPasswordReset(db: Db, input: { tenantId: string; accountId: string; tokenHash: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await dropPendingResets(tx, input.tenantId, input.accountId);
    await tx.query(
      `insert into staff_password_resets (id, tenant_id, account_id, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5 / 1000.0))`,
      [newId('pwr'), input.tenantId, input.accountId, input.tokenHash, PASSWORD_RESET_TTL_MS],
    );
  });
}

/**
 * Marks the reset of this token hash used, if it is unused and unexpired, and returns whose it
 * is; inside the caller's transaction, so the password changes with it or not at all. Two uses
 * racing: the update lets one through.
 */
export async function claimPasswordReset(tx: Db, tokenHash: string): Promise<{ tenantId: string; accountId: string } | undefined> {
  const rows = await tx.query<{ tenant_id: string; account_id: string }>(
    `update staff_password_resets set used_at = now()
      where token_hash = $1 and used_at is null and expires_at > now() returning tenant_id, account_id`,
    [tokenHash],
  );
  return rows[0] && { tenantId: rows[0].tenant_id, accountId: rows[0].account_id };
}

/** Ends the account's unused resets (a newer one was mailed, or the password was just changed). */
export async function dropPendingResets(db: Db, tenantId: string, accountId: string): Promise<void> {
  await db.query('update staff_password_resets set used_at = now() where tenant_id = $1 and account_id = $2 and used_at is null', [tenantId, accountId]);
}

import type { Db } from '../db/db.js';
import { countAuthEventsForEmail, recordAuthEvent } from '../auth/events.js';
import { findAccount, setPasswordHash } from './accounts.js';
import { LOGIN_LIMITS, type LoginLimits } from './login.js';
import { hashPassword, verifyPassword } from './password.js';
import { dropPendingResets } from './password-resets.js';
import { revokeOtherSessions } from './sessions.js';

/**
 * A signed-in staff member changes their password. The current password is asked for (a session
 * left open on a shared computer must not be enough), wrong ones are counted like failed sign-ins
 * so the form cannot be used to guess, and the change ends every other session and any pending
 * reset link: whoever else had the old password is out.
 */

const FAILED = ['staff_password_change_failed'] as const;

export type PasswordChangeOutcome =
  | { kind: 'changed'; endedSessions: number }
  | { kind: 'wrong' }
  | { kind: 'same' }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'no-account' };

export async function changePassword(
  deps: { db: Db; limits?: LoginLimits | undefined },
  input: { tenantId: string; accountId: string; sessionId: string; ip: string; currentPassword: string; newPassword: string },
): Promise<PasswordChangeOutcome> {
  const { db } = deps;
  const limits = deps.limits ?? LOGIN_LIMITS;
  const account = await findAccount(db, input.tenantId, input.accountId);
  if (!account) return { kind: 'no-account' };
  const since = new Date(Date.now() - limits.windowMs);
  if ((await countAuthEventsForEmail(db, { kinds: FAILED, email: account.email, since })) >= limits.perEmail) {
    return { kind: 'locked', retryAfterSeconds: Math.ceil(limits.windowMs / 1000) };
  }
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    await recordAuthEvent(db, { tenantId: input.tenantId, kind: 'staff_password_change_failed', email: account.email, ip: input.ip });
    return { kind: 'wrong' };
  }
  if (input.newPassword === input.currentPassword) return { kind: 'same' };
  // Hashed before the transaction: a third of a second of scrypt must not hold the database.
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await setPasswordHash(tx, input.tenantId, input.accountId, passwordHash);
    await dropPendingResets(tx, input.tenantId, input.accountId);
    return { kind: 'changed', endedSessions: await revokeOtherSessions(tx, input.tenantId, input.accountId, input.sessionId) } as const;
  });
}

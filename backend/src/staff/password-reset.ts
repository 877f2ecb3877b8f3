import type { Db } from '../db/db.js';
import { countAuthEventsForEmail, recordAuthEvent } from '../auth/events.js';
import { sendEmail, type EmailDeps } from '../mail/send.js';
import { findById } from '../tenants/repository.js';
import { findAccountsByEmail, setPasswordHash, type StoredAccount } from './accounts.js';
import { consoleLink } from './links.js';
import { hashPassword } from './password.js';
import { passwordResetMail } from './password-reset-mail.js';
import { claimPasswordReset, dropPendingResets, insertPasswordReset } from './password-resets.js';
import { revokeAccountSessions } from './sessions.js';
import { newSecretToken, tokenHash } from './tokens.js';

/** A forgotten password: a one-time link by mail, then a new password that ends every session. */

/**
 * At most this many reset mails per email and hour, whoever asks: a stranger can make an inbox
 * receive a few, not a flood. Counted in auth_events, so every instance sees the same count.
 */
export const RESET_MAILS_PER_HOUR = 3;
const REQUESTED = ['staff_password_reset_requested'] as const;

export type ResetRequestOutcome = { kind: 'mailed'; accounts: number } | { kind: 'no-account' } | { kind: 'limited' };

/**
 * Mails a reset link to each account of `email` (one per workspace it is staff of). The caller
 * answers the same whatever the outcome, so the response tells nothing about the account.
 */
export async function requestPasswordReset(deps: EmailDeps, input: { email: string; ip: string; origin: string }): Promise<ResetRequestOutcome> {
  const accounts = await findAccountsByEmail(deps.db, input.email);
  // Recorded first, then counted with itself: asks handled at the same time cannot all see room
  // under the limit, so the limit holds exactly.
  await recordAuthEvent(deps.db, { tenantId: accounts.length === 1 ? accounts[0]!.tenantId : null, kind: 'staff_password_reset_requested', email: input.email, ip: input.ip });
  const since = new Date(Date.now() - 3600_000);
  if ((await countAuthEventsForEmail(deps.db, { kinds: REQUESTED, email: input.email, since })) > RESET_MAILS_PER_HOUR) return { kind: 'limited' };
  if (accounts.length === 0) return { kind: 'no-account' };
  for (const account of accounts) await mailResetLink(deps, account, input.origin);
  return { kind: 'mailed', accounts: accounts.length };
}

async function mailResetLink(deps: EmailDeps, account: StoredAccount, origin: string): Promise<void> {
  const token = newSecretToken();
  await insertPasswordReset(deps.db, { tenantId: account.tenantId, accountId: account.id, tokenHash: tokenHash(token) });
  const tenantName = (await findById(deps.db, account.tenantId))?.name ?? 'your workspace';
  const mail = passwordResetMail({ to: account.email, tenantName, link: consoleLink(origin, 'reset-password', token) });
  await sendEmail(deps, { tenantId: account.tenantId, kind: 'staff_password_reset', mail });
}

export type ResetConfirmOutcome = { kind: 'reset'; account: StoredAccount; endedSessions: number } | { kind: 'invalid' };

/** Uses the reset of `token` once: the new password, the account's other resets and every session ended, all or nothing. */
export async function confirmPasswordReset(db: Db, input: { token: string; password: string }): Promise<ResetConfirmOutcome> {
  // Hashed before the transaction: a third of a second of scrypt must not hold the database.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const reset = await claimPasswordReset(tx, tokenHash(input.token));
    const account = reset && (await setPasswordHash(tx, reset.tenantId, reset.accountId, passwordHash));
    if (!reset || !account) return { kind: 'invalid' } as const;
    await dropPendingResets(tx, reset.tenantId, reset.accountId);
    const endedSessions = await revokeAccountSessions(tx, reset.tenantId, reset.accountId);
    return { kind: 'reset', account, endedSessions } as const;
  });
}

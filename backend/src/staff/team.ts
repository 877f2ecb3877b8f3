import type { StaffRole } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { sendEmail, type EmailDeps } from '../mail/send.js';
import { AccountExistsError, accountExists, insertAccount, type StoredAccount } from './accounts.js';
import { inviteMail } from './invite-mail.js';
import { consoleLink } from './links.js';
import { claimInvite, insertInvite, type StoredInvite } from './invites.js';
import { hashPassword } from './password.js';
import { newSecretToken, tokenHash } from './tokens.js';

/** Growing the team: invitations by email, and their acceptance. */

export type InviteOutcome = { kind: 'invited'; invite: StoredInvite } | { kind: 'already-staff' };

/** Stores a hashed one-time token and mails its link; a mail that cannot be sent throws EmailNotSentError (502). */
export async function inviteStaff(
  deps: EmailDeps,
  input: { tenantId: string; tenantName: string; email: string; role: StaffRole; inviter: { accountId: string; email: string } | null; origin: string },
): Promise<InviteOutcome> {
  if (await accountExists(deps.db, input.tenantId, input.email)) return { kind: 'already-staff' };
  const token = newSecretToken();
  const invite = await insertInvite(deps.db, { tenantId: input.tenantId, email: input.email, role: input.role, tokenHash: tokenHash(token), invitedBy: input.inviter?.accountId ?? null });
  const mail = inviteMail({ to: input.email, tenantName: input.tenantName, invitedBy: input.inviter?.email ?? null, role: input.role, link: consoleLink(input.origin, 'accept-invite', token) });
  await sendEmail(deps, { tenantId: input.tenantId, kind: 'staff_invite', mail });
  return { kind: 'invited', invite };
}

export type AcceptOutcome = { kind: 'accepted'; account: StoredAccount } | { kind: 'invalid' } | { kind: 'already-staff' };

/** Uses the invite of `token` once and creates its account with `password`, both or neither. */
export async function acceptInvite(db: Db, input: { token: string; password: string }): Promise<AcceptOutcome> {
  // Hashed before the transaction: a third of a second of scrypt must not hold the database.
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const invite = await claimInvite(tx, tokenHash(input.token));
      if (!invite) return { kind: 'invalid' } as const;
      const account = await insertAccount(tx, { tenantId: invite.tenantId, email: invite.email, role: invite.role, passwordHash });
      return { kind: 'accepted', account } as const;
    });
  } catch (error) {
    if (error instanceof AccountExistsError) return { kind: 'already-staff' };
    throw error;
  }
}

/** An account made by the operator (`prex staff create`), with a password they hand over. */
export async function createAccountWithPassword(db: Db, input: { tenantId: string; email: string; role: StaffRole; password: string }): Promise<StoredAccount> {
  return insertAccount(db, { tenantId: input.tenantId, email: input.email, role: input.role, passwordHash: await hashPassword(input.password) });
}

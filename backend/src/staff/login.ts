import type { Db } from '../db/db.js';
import { countAuthEventsForEmail, countAuthEventsFromIp, recordAuthEvent } from '../auth/events.js';
import { findAccountsByEmail, type StoredAccount } from './accounts.js';
import { verifyAgainstDecoy, verifyPassword } from './password.js';

/**
 * Failed sign-ins counted in the database (auth_events), so every instance sees the same count:
 * per email, whether or not it has an account (a lock says nothing about existence), and per
 * address, against one machine trying many emails. A locked email can still be locked by someone
 * else typing wrong passwords: the window is short for that reason, and the owner can be reached.
 */
export interface LoginLimits {
  perEmail: number;
  perIp: number;
  windowMs: number;
}

export const LOGIN_LIMITS: LoginLimits = { perEmail: 5, perIp: 20, windowMs: 15 * 60_000 };

const FAILED = ['staff_login_failed'] as const;

export type LoginOutcome =
  | { kind: 'signed-in'; account: StoredAccount }
  | { kind: 'wrong' }
  | { kind: 'locked'; retryAfterSeconds: number }
  /** The password is right for accounts in several tenants: the caller names one (tenantId). */
  | { kind: 'choose-tenant'; tenantIds: string[] };

export async function attemptLogin(
  deps: { db: Db; limits?: LoginLimits | undefined },
  input: { email: string; password: string; tenantId?: string | undefined; ip: string },
): Promise<LoginOutcome> {
  const { db } = deps;
  const limits = deps.limits ?? LOGIN_LIMITS;
  const since = new Date(Date.now() - limits.windowMs);
  const [byEmail, byIp] = await Promise.all([
    countAuthEventsForEmail(db, { kinds: FAILED, email: input.email, since }),
    countAuthEventsFromIp(db, { kinds: FAILED, ip: input.ip, since }),
  ]);
  if (byEmail >= limits.perEmail || byIp >= limits.perIp) return { kind: 'locked', retryAfterSeconds: Math.ceil(limits.windowMs / 1000) };

  const accounts = await findAccountsByEmail(db, input.email, input.tenantId);
  const matching: StoredAccount[] = [];
  for (const account of accounts) if (await verifyPassword(input.password, account.passwordHash)) matching.push(account);
  // No account: the same scrypt work as a wrong password, so timing does not tell them apart.
  if (accounts.length === 0) await verifyAgainstDecoy(input.password);

  if (matching.length === 0) {
    await recordAuthEvent(db, { tenantId: accounts.length === 1 ? accounts[0]!.tenantId : null, kind: 'staff_login_failed', email: input.email, ip: input.ip });
    return { kind: 'wrong' };
  }
  if (matching.length > 1) return { kind: 'choose-tenant', tenantIds: matching.map((a) => a.tenantId) };
  return { kind: 'signed-in', account: matching[0]! };
}

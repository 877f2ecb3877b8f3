import type { StaffRole } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { deleteAccount, findAccount, lockOwners, setRole, type StoredAccount } from './accounts.js';

/**
 * Changing who is on the team: an owner changes roles; an owner removes anyone else, an admin
 * removes agents. The workspace always keeps an owner, and nobody removes their own account (an
 * owner who leaves is removed by another owner, so a slip of the mouse cannot lock a workspace out).
 */

interface Actor {
  tenantId: string;
  accountId: string;
  role: StaffRole;
}

export type RoleChangeOutcome = { kind: 'changed'; account: StoredAccount } | { kind: 'not-found' } | { kind: 'last-owner' };

export async function changeRole(db: Db, actor: Actor, accountId: string, role: StaffRole): Promise<RoleChangeOutcome> {
  return db.transaction(async (tx) => {
    const target = await findAccount(tx, actor.tenantId, accountId);
    if (!target) return { kind: 'not-found' } as const;
    if (target.role === role) return { kind: 'changed', account: target } as const;
    if (target.role === 'owner' && !(await anotherOwnerRemains(tx, actor.tenantId, accountId))) return { kind: 'last-owner' } as const;
    const account = await setRole(tx, actor.tenantId, accountId, role);
    return account ? ({ kind: 'changed', account } as const) : ({ kind: 'not-found' } as const);
  });
}

export type RemovalOutcome = { kind: 'removed' } | { kind: 'not-found' } | { kind: 'self' } | { kind: 'not-allowed'; role: StaffRole } | { kind: 'last-owner' };

export async function removeAccount(db: Db, actor: Actor, accountId: string): Promise<RemovalOutcome> {
  if (accountId === actor.accountId) return { kind: 'self' };
  return db.transaction(async (tx) => {
    const target = await findAccount(tx, actor.tenantId, accountId);
    if (!target) return { kind: 'not-found' } as const;
    if (actor.role !== 'owner' && target.role !== 'agent') return { kind: 'not-allowed', role: target.role } as const;
    if (target.role === 'owner' && !(await anotherOwnerRemains(tx, actor.tenantId, accountId))) return { kind: 'last-owner' } as const;
    return (await deleteAccount(tx, actor.tenantId, accountId)) ? ({ kind: 'removed' } as const) : ({ kind: 'not-found' } as const);
  });
}

async function anotherOwnerRemains(tx: Db, tenantId: string, accountId: string): Promise<boolean> {
  return (await lockOwners(tx, tenantId)).some((id) => id !== accountId);
}

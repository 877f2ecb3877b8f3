import type { Db } from '../db/db.js';
import { insertAccount, type StoredAccount } from '../staff/accounts.js';
import { hashPassword } from '../staff/password.js';
import { createTenant } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * First-run setup: the first workspace and its owner, made from the console on a server that has
 * no workspace yet. Only ever once: afterwards workspaces come from `prex tenants create`.
 */

export async function isSetupNeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ any: boolean }>('select exists (select 1 from tenants) as any');
  return !rows[0]?.any;
}

export type SetupOutcome = { kind: 'done'; tenant: Tenant; secretKey: string; owner: StoredAccount } | { kind: 'already-set-up' };

/**
 * Creates the workspace and its owner in one transaction, if no workspace exists. The tenants
 * table is locked first (share row exclusive: it conflicts with itself and with inserts), so two
 * setups racing, on one server or several sharing the database, run one after the other and the
 * second sees the first's workspace; a `prex tenants create` at that instant waits too.
 */
export async function runFirstSetup(db: Db, input: { workspaceName: string; origin: string; email: string; ownerName: string; password: string }): Promise<SetupOutcome> {
  // Hashed before the transaction: a third of a second of scrypt must not hold the lock.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.query('lock table tenants in share row exclusive mode');
    if (!(await isSetupNeeded(tx))) return { kind: 'already-set-up' } as const;
    const { tenant, secretKey } = await createTenant(tx, { name: input.workspaceName, allowedOrigins: [input.origin] });
    const owner = await insertAccount(tx, { tenantId: tenant.id, email: input.email, name: input.ownerName, role: 'owner', passwordHash });
    return { kind: 'done', tenant, secretKey, owner } as const;
  });
}

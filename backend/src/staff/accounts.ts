import type { StaffAccount, StaffRole } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** The only code that touches staff_accounts. Every read by id is scoped to a tenant. */

interface AccountRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  role: StaffRole;
  password_hash: string;
  created_at: Date;
}

/** An account with its password hash: for sign-in only, never sent anywhere. */
export interface StoredAccount extends StaffAccount {
  passwordHash: string;
}

const COLUMNS = 'id, tenant_id, email, name, role, password_hash, created_at';

function fromRow(row: AccountRow): StoredAccount {
  const account = { id: row.id, tenantId: row.tenant_id, email: row.email, role: row.role, createdAt: new Date(row.created_at).toISOString(), passwordHash: row.password_hash };
  return row.name === null ? account : { ...account, name: row.name };
}

/** What may leave the server of an account. */
export function publicAccount(account: StoredAccount): StaffAccount {
  const out: StaffAccount = { id: account.id, tenantId: account.tenantId, email: account.email, role: account.role, createdAt: account.createdAt };
  return account.name === undefined ? out : { ...out, name: account.name };
}

export class AccountExistsError extends Error {
  override name = 'AccountExistsError';
}

/** Creates an account; AccountExistsError when the tenant already has one for this email. */
export async function insertAccount(db: Db, input: { tenantId: string; email: string; name?: string; role: StaffRole; passwordHash: string }): Promise<StoredAccount> {
  const rows = await db.query<AccountRow>(
    `insert into staff_accounts (id, tenant_id, email, name, role, password_hash) values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, email) do nothing returning ${COLUMNS}`,
    [newId('stf'), input.tenantId, input.email, input.name ?? null, input.role, input.passwordHash],
  );
  if (!rows[0]) throw new AccountExistsError(`${input.email} already has a staff account in this tenant`);
  return fromRow(rows[0]);
}

/** The accounts of this email (one per tenant it is staff of), optionally in one tenant only. */
export async function findAccountsByEmail(db: Db, email: string, tenantId?: string): Promise<StoredAccount[]> {
  const rows = await db.query<AccountRow>(
    `select ${COLUMNS} from staff_accounts where email = $1 and ($2::text is null or tenant_id = $2) order by created_at limit 20`,
    [email, tenantId ?? null],
  );
  return rows.map(fromRow);
}

export async function findAccount(db: Db, tenantId: string, id: string): Promise<StoredAccount | undefined> {
  const rows = await db.query<AccountRow>(`select ${COLUMNS} from staff_accounts where tenant_id = $1 and id = $2`, [tenantId, id]);
  return rows[0] && fromRow(rows[0]);
}

export async function accountExists(db: Db, tenantId: string, email: string): Promise<boolean> {
  const rows = await db.query<{ ok: boolean }>('select exists (select 1 from staff_accounts where tenant_id = $1 and email = $2) as ok', [tenantId, email]);
  return rows[0]?.ok ?? false;
}

export async function listAccounts(db: Db, tenantId: string): Promise<StaffAccount[]> {
  const rows = await db.query<AccountRow>(`select ${COLUMNS} from staff_accounts where tenant_id = $1 order by created_at, id`, [tenantId]);
  return rows.map((row) => publicAccount(fromRow(row)));
}

/** Replaces the account's password hash; the account as it is now, or undefined when it is gone. */
export async function setPasswordHash(db: Db, tenantId: string, id: string, passwordHash: string): Promise<StoredAccount | undefined> {
  const rows = await db.query<AccountRow>(`update staff_accounts set password_hash = $3 where tenant_id = $1 and id = $2 returning ${COLUMNS}`, [tenantId, id, passwordHash]);
  return rows[0] && fromRow(rows[0]);
}

/** Sets (or with null removes) the account's display name; the account as it is now, or undefined when it is gone. */
export async function setName(db: Db, tenantId: string, id: string, name: string | null): Promise<StoredAccount | undefined> {
  const rows = await db.query<AccountRow>(`update staff_accounts set name = $3 where tenant_id = $1 and id = $2 returning ${COLUMNS}`, [tenantId, id, name]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * The tenant's owners, locked until the caller's transaction ends: a role change or removal that
 * checks "another owner remains" holds the lock, so two owners demoting each other at the same
 * moment cannot leave the workspace with none.
 */
export async function lockOwners(tx: Db, tenantId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(`select id from staff_accounts where tenant_id = $1 and role = 'owner' order by id for update`, [tenantId]);
  return rows.map((r) => r.id);
}

export async function setRole(db: Db, tenantId: string, id: string, role: StaffRole): Promise<StoredAccount | undefined> {
  const rows = await db.query<AccountRow>(`update staff_accounts set role = $3 where tenant_id = $1 and id = $2 returning ${COLUMNS}`, [tenantId, id, role]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * Removes the account. Its sessions and reset links go with it (foreign keys cascade); what it
 * wrote stays, unsigned (assignments, notes and solutions set their author to null).
 */
export async function deleteAccount(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('delete from staff_accounts where tenant_id = $1 and id = $2 returning id', [tenantId, id]);
  return rows.length > 0;
}

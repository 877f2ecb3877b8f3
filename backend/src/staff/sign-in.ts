import type { Request, Response } from 'express';
import type { StaffSessionResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { conflict, type HttpError } from '../http/errors.js';
import { findById } from '../tenants/repository.js';
import { publicAccount, type StoredAccount } from './accounts.js';
import { setSessionCookie } from './cookies.js';
import { insertSession } from './sessions.js';
import { csrfTokenOf, newSecretToken, tokenHash } from './tokens.js';

/**
 * Opens a session for `account`: a new random token in the cookie, its hash in staff_sessions.
 * Every way in (password, Supabase, first-run setup) ends here, so they all answer alike.
 */
export async function openStaffSession(db: Db, req: Request, res: Response, account: StoredAccount): Promise<StaffSessionResponse> {
  const token = newSecretToken();
  const { expiresAt } = await insertSession(db, { tokenHash: tokenHash(token), accountId: account.id, tenantId: account.tenantId });
  setSessionCookie(req, res, token, expiresAt);
  const tenant = (await findById(db, account.tenantId))!;
  return { account: publicAccount(account), tenant: { id: tenant.id, name: tenant.name }, csrfToken: csrfTokenOf(token) };
}

/** The 409 when one email is staff of several workspaces: it names them, so the console can ask which. */
export async function chooseTenant(db: Db, tenantIds: string[]): Promise<HttpError> {
  const tenants = await Promise.all(tenantIds.map(async (id) => ({ id, name: (await findById(db, id))?.name ?? id })));
  return conflict(`This email is staff of several workspaces: sign in again with tenantId, one of ${tenants.map((t) => `${t.id} (${t.name})`).join(', ')}`);
}

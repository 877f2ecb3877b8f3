import { STAFF_ACCESS_ROUTES, staffSupabaseLoginRequestSchema } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { HttpError, notFound, unauthorized } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { findAccountsByEmail } from './accounts.js';
import { chooseTenant, openStaffSession } from './sign-in.js';
import type { SupabaseAuth } from './supabase-auth.js';

/**
 * Signing in with Supabase Auth (staffSignIn group: no session needed; GET /v1/staff/setup tells the
 * console whether it is offered, with the project's URL and anon key):
 * - POST /v1/staff/login/supabase {accessToken, tenantId?} → 200 as POST /v1/staff/login; sets the cookie
 *
 * A Supabase user signs in as the staff account of the same confirmed email: Supabase proves the
 * email, the account (made by invitation or `prex staff create`) gives the workspace and role.
 */
export function addSupabaseSignInRoutes(routes: RouteGroup, deps: { db: Db; log: Logger; supabase: SupabaseAuth | null }): void {
  const { db, supabase } = deps;

  routes.post(STAFF_ACCESS_ROUTES.loginSupabase, async (req, res) => {
    if (!supabase) throw notFound('Supabase sign-in is not configured on this server (PREX_SUPABASE_URL, PREX_SUPABASE_ANON_KEY): sign in with your email and password');
    const body = parseJsonBody(staffSupabaseLoginRequestSchema, req, 'Supabase sign-in');
    const check = await supabase.check(body.accessToken);
    if (check.kind === 'unreachable') {
      deps.log.warn('Supabase Auth did not answer a staff sign-in', { error: check.error });
      throw new HttpError(502, 'auth_unavailable', 'Supabase Auth could not be reached to check your session: try again, or sign in with your password');
    }
    if (check.kind === 'invalid') throw unauthorized('Your Supabase session is invalid or expired: sign in to Supabase again');
    if (check.kind === 'no-confirmed-email') throw unauthorized('Your Supabase user has no confirmed email: confirm it with Supabase first');
    const accounts = await findAccountsByEmail(db, check.email, body.tenantId);
    if (accounts.length === 0) {
      const where = body.tenantId ? `in workspace ${body.tenantId}` : 'on this server';
      throw unauthorized(`${check.email} has no staff account ${where}: ask the workspace's owner for an invitation`);
    }
    if (accounts.length > 1) throw await chooseTenant(db, accounts.map((a) => a.tenantId));
    res.set('Cache-Control', 'no-store').json(await openStaffSession(db, req, res, accounts[0]!));
  });
}

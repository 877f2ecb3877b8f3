import {
  STAFF_ROUTES,
  staffAcceptInviteRequestSchema,
  staffLoginRequestSchema,
  staffProfileUpdateRequestSchema,
  type StaffAccountResponse,
  type StaffAcceptInviteResponse,
  type StaffLogoutEverywhereResponse,
  type StaffSessionResponse,
} from '@prex/protocol';
import { staffOf, tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, HttpError, tooManyRequests, unauthorized } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { findAccount, publicAccount, setName } from './accounts.js';
import { clearSessionCookie } from './cookies.js';
import { attemptLogin, type LoginLimits } from './login.js';
import { revokeAccountSessions, revokeSession } from './sessions.js';
import { chooseTenant, openStaffSession } from './sign-in.js';
import { acceptInvite } from './team.js';

/** One message for a wrong email and a wrong password: the response never tells whether an account exists. */
const WRONG_CREDENTIALS = 'Wrong email or password';

/**
 * Signing in and out (staffSignIn group: no session needed):
 * - POST /v1/staff/login {email, password, tenantId?} → 200 with the account and the CSRF token; sets the cookie
 * - POST /v1/staff/invites/accept {token, password} → 201 with the new account (then sign in)
 */
export function addSignInRoutes(routes: RouteGroup, deps: { db: Db; loginLimits?: LoginLimits | undefined }): void {
  const { db } = deps;
  routes.post(STAFF_ROUTES.login, async (req, res) => {
    const body = parseJsonBody(staffLoginRequestSchema, req, 'sign-in');
    const outcome = await attemptLogin({ db, limits: deps.loginLimits }, { ...body, ip: req.ip ?? 'unknown' });
    if (outcome.kind === 'locked') {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      throw tooManyRequests(`Too many failed sign-ins for this email or from this address: try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes`);
    }
    if (outcome.kind === 'wrong') throw unauthorized(WRONG_CREDENTIALS);
    if (outcome.kind === 'choose-tenant') throw await chooseTenant(db, outcome.tenantIds);
    res.set('Cache-Control', 'no-store').json(await openStaffSession(db, req, res, outcome.account));
  });

  routes.post(STAFF_ROUTES.acceptInvite, async (req, res) => {
    const body = parseJsonBody(staffAcceptInviteRequestSchema, req, 'invite acceptance');
    const outcome = await acceptInvite(db, body);
    if (outcome.kind === 'invalid') throw badRequest('This invite link is invalid, already used or expired: ask for a new invitation');
    if (outcome.kind === 'already-staff') throw conflict('This email already has a staff account in this workspace: sign in instead');
    const out: StaffAcceptInviteResponse = { account: publicAccount(outcome.account) };
    res.status(201).json(out);
  });
}

/**
 * The signed-in staff member's own session (staff group):
 * - GET  /v1/staff/me                  the account, tenant and CSRF token (after a page reload)
 * - PATCH /v1/staff/me {name}           the account's own display name (null removes it)
 * - POST /v1/staff/logout              ends this session
 * - POST /v1/staff/logout-everywhere   ends every session of the account
 */
export function addSessionRoutes(routes: RouteGroup, db: Db): void {
  routes.get(STAFF_ROUTES.me, async (_req, res) => {
    const staff = staffOf(res);
    const tenant = tenantOf(res);
    const account = await findAccount(db, staff.tenantId, staff.accountId);
    if (!account) throw new HttpError(401, 'unauthorized', 'This staff account no longer exists');
    const out: StaffSessionResponse = { account: publicAccount(account), tenant: { id: tenant.id, name: tenant.name }, csrfToken: staff.csrfToken };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.patch(STAFF_ROUTES.me, async (req, res) => {
    const { name } = parseJsonBody(staffProfileUpdateRequestSchema, req, 'profile');
    const staff = staffOf(res);
    const account = await setName(db, staff.tenantId, staff.accountId, name);
    if (!account) throw new HttpError(401, 'unauthorized', 'This staff account no longer exists');
    const out: StaffAccountResponse = { account: publicAccount(account) };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(STAFF_ROUTES.logout, async (req, res) => {
    const staff = staffOf(res);
    await revokeSession(db, staff.tenantId, staff.sessionId);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  routes.post(STAFF_ROUTES.logoutEverywhere, async (req, res) => {
    const staff = staffOf(res);
    const out: StaffLogoutEverywhereResponse = { endedSessions: await revokeAccountSessions(db, staff.tenantId, staff.accountId) };
    clearSessionCookie(req, res);
    res.json(out);
  });
}

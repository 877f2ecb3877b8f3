import type { RequestHandler } from 'express';
import { STAFF_CSRF_HEADER, type StaffRole } from '@prex/protocol';
import { contextOf, staffOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { forbidden, unauthorized } from '../http/errors.js';
import { findById } from '../tenants/repository.js';
import { readCookie, STAFF_COOKIE } from './cookies.js';
import { findLiveSession } from './sessions.js';
import { csrfTokenOf, sameSecret, tokenHash } from './tokens.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Staff routes: the session cookie must name a live session (not revoked, not expired). Sets the
 * request's staff member and their tenant, so the admin handlers (tenantOf) serve that tenant only.
 */
export function staffSessionAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.staff) return next();
    const token = readCookie(req, STAFF_COOKIE);
    if (!token || !TOKEN_SHAPE.test(token)) throw unauthorized('Sign in first: POST /v1/staff/login sets the staff session cookie');
    const session = await findLiveSession(db, tokenHash(token));
    const tenant = session && (await findById(db, session.tenantId));
    if (!session || !tenant) throw unauthorized('Your staff session has ended (signed out, expired or revoked): sign in again');
    context.tenant = tenant;
    context.staff = { ...session, csrfToken: csrfTokenOf(token) };
    next();
  };
}

/** After staffSessionAuth: POST, PATCH, PUT and DELETE must echo the session's CSRF token in a header. */
export const staffCsrfCheck: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const sent = req.get(STAFF_CSRF_HEADER);
  if (!sent || !sameSecret(sent, staffOf(res).csrfToken)) {
    throw forbidden(`Missing or wrong CSRF token: send the csrfToken from sign-in (or GET /v1/staff/me) in the ${STAFF_CSRF_HEADER} header`);
  }
  next();
};

/** A route for some roles only: any other signed-in account gets 403, never the data. */
export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (_req, res, next) => {
    const { role } = staffOf(res);
    if (!roles.includes(role)) throw forbidden(`This needs the ${roles.join(' or ')} role; your account's role is ${role}`);
    next();
  };
}

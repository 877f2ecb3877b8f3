import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { tenantOf, type RequestContext } from '../http/context.js';
import { unauthorized } from '../http/errors.js';
import { bearerToken } from '../tenants/middleware.js';
import { findSession, touchSession } from './repository.js';
import { verifySessionToken } from './token.js';

/**
 * Session routes: `Authorization: Bearer <session token>`. Runs after publishableKeyAuth; the token
 * must be valid, belong to the key's tenant, and its session row must still exist.
 * Sets res.locals.session.
 */
export function sessionAuth(db: Db, config: Config): RequestHandler {
  return async (req, res, next) => {
    const tenant = tenantOf(res);
    const token = bearerToken(req);
    if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <session token>" from POST /v1/sessions');
    const claims = verifySessionToken(token, config.session.secret);
    if (claims.tenantId !== tenant.id) throw unauthorized('Session token belongs to another tenant: create a session with this publishable key');
    const session = await findSession(db, tenant.id, claims.sessionId);
    if (!session) throw unauthorized('Session no longer exists: create a new session with POST /v1/sessions');
    await touchSession(db, tenant.id, session.id);
    (res.locals as RequestContext).session = claims;
    next();
  };
}

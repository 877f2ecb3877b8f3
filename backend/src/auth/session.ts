import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { unauthorized } from '../http/errors.js';
import { bearerToken } from './bearer.js';
import { contextOf, tenantOf } from './context.js';
import { verifySessionToken } from './session-token.js';

/** Where sessions live: auth asks only whether one still exists (and marks it seen). */
export interface LiveSessions {
  touch(tenantId: string, sessionId: string): Promise<boolean>;
}

/**
 * Session routes: `Authorization: Bearer <session token>`. Runs after publishableKeyAuth; the token
 * must be valid, belong to the key's tenant, and its session row must still exist.
 * Sets the request's session (once per request).
 */
export function sessionAuth(config: Pick<Config, 'session'>, sessions: LiveSessions): RequestHandler {
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.session) return next();
    const tenant = tenantOf(res);
    const token = bearerToken(req);
    if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <session token>" from POST /v1/sessions');
    const claims = verifySessionToken(token, config.session.secret);
    if (claims.tenantId !== tenant.id) throw unauthorized('Session token belongs to another tenant: create a session with this publishable key');
    if (!(await sessions.touch(tenant.id, claims.sessionId))) {
      throw unauthorized('Session no longer exists: create a new session with POST /v1/sessions');
    }
    context.session = claims;
    next();
  };
}

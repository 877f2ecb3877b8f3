import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { findByPublishableKey } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { unauthorized } from '../http/errors.js';
import { bearerToken } from './bearer.js';
import { contextOf, tenantOf } from './context.js';
import { allowedTenant, requestedKey } from './publishable-key.js';
import type { SessionClaims } from './session-claims.js';
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
    const claims = presentedClaims(req, config);
    context.session = acceptedSession(tenant, claims, claims.tenantId === tenant.id && (await sessions.touch(tenant.id, claims.sessionId)));
    next();
  };
}

/**
 * publishableKeyAuth then sessionAuth, with the key's tenant and the token's session looked up at
 * once: one database round trip instead of two before a visitor's request starts its work. The
 * token's claims are signed, so its session is looked up before the key's tenant is known; the
 * errors come in the order the two checks give them one after the other.
 */
export function visitorAuth(db: Db, config: Pick<Config, 'session'>, sessions: LiveSessions): RequestHandler {
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.tenant && context.session) return next();
    if (context.tenant) return sessionAuth(config, sessions)(req, res, next);
    const key = requestedKey(req);
    let claims: SessionClaims | undefined;
    let tokenError: unknown;
    try {
      claims = presentedClaims(req, config);
    } catch (error) {
      tokenError = error;
    }
    const [tenant, live] = await Promise.all([findByPublishableKey(db, key), claims ? sessions.touch(claims.tenantId, claims.sessionId) : false]);
    context.tenant = allowedTenant(req, key, tenant);
    if (!claims) throw tokenError;
    context.session = acceptedSession(context.tenant, claims, live);
    next();
  };
}

/** The claims of the request's signed session token; else the 401 that says what is wrong. */
function presentedClaims(req: Request, config: Pick<Config, 'session'>): SessionClaims {
  const token = bearerToken(req);
  if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <session token>" from POST /v1/sessions');
  return verifySessionToken(token, config.session.secret);
}

/** The session, when it is the tenant's and still exists (`live`). */
function acceptedSession(tenant: Tenant, claims: SessionClaims, live: boolean): SessionClaims {
  if (claims.tenantId !== tenant.id) throw unauthorized('Session token belongs to another tenant: create a session with this publishable key');
  if (!live) throw unauthorized('Session no longer exists: create a new session with POST /v1/sessions');
  return claims;
}

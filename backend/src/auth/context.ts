import type { Response } from 'express';
import type { Tenant } from '../tenants/tenant.js';
import type { SessionClaims } from './session-claims.js';

/**
 * What the auth middleware learned about a request, kept on res.locals.
 * Route handlers read it through these accessors so every query can be scoped by tenant.
 */
export interface RequestContext {
  tenant?: Tenant;
  session?: SessionClaims;
}

/** The request's context, to read or (auth middleware only) to fill. */
export function contextOf(res: Response): RequestContext {
  return res.locals as RequestContext;
}

export function tenantOf(res: Response): Tenant {
  const tenant = contextOf(res).tenant;
  if (!tenant) throw new Error('tenantOf() called on a route without tenant auth');
  return tenant;
}

export function sessionOf(res: Response): SessionClaims {
  const session = contextOf(res).session;
  if (!session) throw new Error('sessionOf() called on a route without session auth');
  return session;
}

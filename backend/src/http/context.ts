import type { Response } from 'express';
import type { Tenant } from '../tenants/tenant.js';
import type { SessionClaims } from '../sessions/claims.js';

/**
 * What the auth middleware learned about a request, kept on res.locals.
 * Route handlers read it through these accessors so every query can be scoped by tenant.
 */
export interface RequestContext {
  tenant?: Tenant;
  session?: SessionClaims;
}

export function tenantOf(res: Response): Tenant {
  const tenant = (res.locals as RequestContext).tenant;
  if (!tenant) throw new Error('tenantOf() called on a route without publishable-key auth');
  return tenant;
}

export function sessionOf(res: Response): SessionClaims {
  const session = (res.locals as RequestContext).session;
  if (!session) throw new Error('sessionOf() called on a route without session auth');
  return session;
}

import type { Response } from 'express';
import type { StaffRole } from '@prex/protocol';
import type { Tenant } from '../tenants/tenant.js';
import type { SessionClaims } from './session-claims.js';

/**
 * What the auth middleware learned about a request, kept on res.locals.
 * Route handlers read it through these accessors so every query can be scoped by tenant.
 */
export interface RequestContext {
  tenant?: Tenant;
  session?: SessionClaims;
  /** A signed-in staff member (console cookie); `tenant` is then their tenant. */
  staff?: StaffPrincipal;
}

/** Who is signed in to the console on this request. */
export interface StaffPrincipal {
  sessionId: string;
  accountId: string;
  tenantId: string;
  email: string;
  role: StaffRole;
  /** The CSRF token of this session, which state-changing requests must echo. */
  csrfToken: string;
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

export function staffOf(res: Response): StaffPrincipal {
  const staff = contextOf(res).staff;
  if (!staff) throw new Error('staffOf() called on a route without staff auth');
  return staff;
}

import type { Request, RequestHandler } from 'express';
import { PUBLISHABLE_KEY_HEADER, publishableKeySchema } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { forbiddenOrigin, unauthorized } from '../http/errors.js';
import { findByPublishableKey } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { contextOf } from './context.js';

/**
 * Public routes: the tenant's publishable key in `x-prex-key`, and, when a browser sends an Origin,
 * that origin must be one the tenant allowed. Requests without Origin come from servers, which an
 * allow-list cannot constrain anyway, so they pass. Sets the request's tenant (once per request).
 */
export function publishableKeyAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.tenant) return next();
    const key = requestedKey(req);
    context.tenant = allowedTenant(req, key, await findByPublishableKey(db, key));
    next();
  };
}

/** The well-formed publishable key the request names; else the 401 that says what is wrong. */
export function requestedKey(req: Request): string {
  const key = req.get(PUBLISHABLE_KEY_HEADER);
  if (!key) throw unauthorized(`Missing ${PUBLISHABLE_KEY_HEADER} header: send the tenant's publishable key (pk_…)`);
  if (!publishableKeySchema.safeParse(key).success) {
    throw unauthorized(`Malformed publishable key in ${PUBLISHABLE_KEY_HEADER}: expected pk_ followed by 8-64 letters, digits or _`);
  }
  return key;
}

/** The tenant `key` opened, when the request's origin (if any) is one it allows; else 401 or 403. */
export function allowedTenant(req: Request, key: string, tenant: Tenant | undefined): Tenant {
  if (!tenant) throw unauthorized(`Unknown publishable key ${key}`);
  const origin = req.get('origin');
  if (origin !== undefined && !tenant.allowedOrigins.includes(origin)) {
    throw forbiddenOrigin(`Origin ${origin} is not allowed to use this publishable key: add it to the tenant's allowed origins`);
  }
  return tenant;
}

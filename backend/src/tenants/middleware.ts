import type { Request, RequestHandler } from 'express';
import { PUBLISHABLE_KEY_HEADER, publishableKeySchema } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { forbiddenOrigin, unauthorized } from '../http/errors.js';
import type { RequestContext } from '../http/context.js';
import { findByPublishableKey, verifySecretKey } from './repository.js';

/**
 * Public routes: the tenant's publishable key in `x-prex-key`, and, when a browser sends an Origin,
 * that origin must be one the tenant allowed. Requests without Origin come from servers, which an
 * allow-list cannot constrain anyway, so they pass. Sets res.locals.tenant.
 */
export function publishableKeyAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const key = req.get(PUBLISHABLE_KEY_HEADER);
    if (!key) throw unauthorized(`Missing ${PUBLISHABLE_KEY_HEADER} header: send the tenant's publishable key (pk_…)`);
    if (!publishableKeySchema.safeParse(key).success) {
      throw unauthorized(`Malformed publishable key in ${PUBLISHABLE_KEY_HEADER}: expected pk_ followed by 8-64 letters, digits or _`);
    }
    const tenant = await findByPublishableKey(db, key);
    if (!tenant) throw unauthorized(`Unknown publishable key ${key}`);
    const origin = req.get('origin');
    if (origin !== undefined && !tenant.allowedOrigins.includes(origin)) {
      throw forbiddenOrigin(
        `Origin ${origin} is not allowed to use this publishable key: add it to the tenant's allowed origins`,
      );
    }
    (res.locals as RequestContext).tenant = tenant;
    next();
  };
}

/** Admin routes: `Authorization: Bearer sk_…`. Sets res.locals.tenant. */
export function secretKeyAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer sk_…" with the tenant\'s secret key');
    if (token.startsWith('pk_')) {
      throw unauthorized('This route needs the tenant\'s secret key (sk_…), not the publishable key');
    }
    const tenant = await verifySecretKey(db, token);
    if (!tenant) throw unauthorized('Invalid secret key');
    (res.locals as RequestContext).tenant = tenant;
    next();
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

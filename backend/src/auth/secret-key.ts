import type { RequestHandler } from 'express';
import type { Db } from '../db/db.js';
import { HttpError, unauthorized } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { verifySecretKey } from '../tenants/repository.js';
import { bearerToken } from './bearer.js';
import { contextOf } from './context.js';
import { countAuthEventsFromIp, recordAuthEvent, type AuthEventKind } from './events.js';

/** Wrong secret keys from one address before it is refused outright, and for how long they count. */
export interface SecretKeyFailureLimit {
  attempts: number;
  windowMs: number;
}

export const SECRET_KEY_FAILURE_LIMIT: SecretKeyFailureLimit = { attempts: 20, windowMs: 15 * 60_000 };

const FAILURE_KINDS: readonly AuthEventKind[] = ['secret_key_invalid', 'secret_key_expired'];

export interface SecretKeyAuthDeps {
  db: Db;
  log: Logger;
  limit?: SecretKeyFailureLimit | undefined;
  now?: (() => Date) | undefined;
}

/**
 * Admin routes: `Authorization: Bearer sk_…`. Every refusal is recorded (against the tenant whose
 * key id it named, if any, so the tenant can see it) and counted per address in the database, so
 * the limit holds across processes: past it, the address is refused with 429 before any key is
 * checked, which makes guessing useless. Sets the request's tenant (once per request).
 */
export function secretKeyAuth(deps: SecretKeyAuthDeps): RequestHandler {
  const { db, log } = deps;
  const limit = deps.limit ?? SECRET_KEY_FAILURE_LIMIT;
  const now = deps.now ?? (() => new Date());
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.tenant) return next();
    const token = bearerToken(req);
    if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer sk_…" with the tenant\'s secret key');
    if (token.startsWith('pk_')) throw unauthorized('This route needs the tenant\'s secret key (sk_…), not the publishable key');
    const ip = req.ip ?? 'unknown';
    const since = new Date(now().getTime() - limit.windowMs);
    if ((await countAuthEventsFromIp(db, { kinds: FAILURE_KINDS, ip, since })) >= limit.attempts) {
      res.set('Retry-After', String(Math.ceil(limit.windowMs / 1000)));
      throw new HttpError(429, 'rate_limited', `Too many wrong secret keys from this address: at most ${limit.attempts} in ${limit.windowMs / 60_000} minutes. Retry after the time in the Retry-After header.`);
    }
    const check = await verifySecretKey(db, token);
    if (check.ok) {
      context.tenant = check.tenant;
      return next();
    }
    const kind = check.reason === 'expired' ? 'secret_key_expired' : 'secret_key_invalid';
    await recordAuthEvent(db, { tenantId: check.tenantId ?? null, kind, ip, at: now() });
    log.warn('secret key refused', { reason: check.reason, tenantId: check.tenantId ?? 'none' });
    throw unauthorized(check.reason === 'expired' ? 'This secret key was rotated and has expired: use the tenant\'s current secret key' : 'Invalid secret key');
  };
}

import type { RequestHandler } from 'express';
import { recordAuthEvent } from '../auth/events.js';
import { bearerToken } from '../auth/bearer.js';
import { contextOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { unauthorized } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { findById } from '../tenants/repository.js';
import { channelSecretOf } from './secret.js';
import { claimedTenant, verifyChannelToken } from './token.js';

export interface ChannelTokenAuthDeps {
  db: Db;
  log: Logger;
  now?: (() => Date) | undefined;
}

/**
 * The channels API: `Authorization: Bearer <JWT>` signed by the tenant's gateway with its channel
 * secret. Sets the request's tenant to the token's issuer, so every route below is scoped to the
 * tenant whose secret signed the token. Every refusal is a 401 saying what is wrong; a bad signature
 * or claim against a known tenant is recorded for the tenant to see (invalid_signature).
 */
export function channelTokenAuth(deps: ChannelTokenAuthDeps): RequestHandler {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  return async (req, res, next) => {
    const context = contextOf(res);
    if (context.tenant) return next();
    const token = bearerToken(req);
    if (!token) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <JWT>" signed with the tenant’s channel secret');
    const claimed = claimedTenant(token);
    if ('why' in claimed) throw unauthorized(`Invalid channel token: ${claimed.why}`);
    const tenant = await findById(db, claimed.tenantId);
    const secret = tenant && (await channelSecretOf(db, tenant.id));
    // One message for both: the token must not tell a stranger which tenant ids exist.
    if (!tenant || !secret) throw unauthorized('Invalid channel token: its iss names no tenant with a channel secret (the owner creates one first)');
    const check = await verifyChannelToken(token, tenant.id, secret, now());
    if (!check.valid) {
      await recordAuthEvent(db, { tenantId: tenant.id, kind: 'invalid_signature', ip: req.ip ?? null });
      log.warn('channel token refused', { tenantId: tenant.id, why: check.why });
      throw unauthorized(`Invalid channel token: ${check.why}`);
    }
    context.tenant = tenant;
    next();
  };
}

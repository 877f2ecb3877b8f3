import { rateLimit, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import { CHANNEL_API_LIMITS, type ErrorBody } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';

/**
 * Per tenant, after the token named it: a tenant's gateways share one allowance whatever address
 * they call from, so a runaway gateway slows its own tenant and nobody else. Counted in `store`
 * (shared by every instance on a Postgres server; in memory on the embedded database).
 */
export function tenantRateLimit(store?: Store, limit: number = CHANNEL_API_LIMITS.requestsPerTenantPerMinute): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    ...(store ? { store } : {}),
    keyGenerator: (_req, res) => tenantOf(res).id,
    // As the public limit: a counter the database could not update lets the request through.
    passOnStoreError: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      const body: ErrorBody = {
        error: { code: 'rate_limited', message: `Too many requests: at most ${options.limit} per minute for this tenant's gateways. Retry after the time in the Retry-After header.` },
      };
      res.status(429).json(body);
    },
  });
}

import { rateLimit, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import type { ErrorBody } from '@prex/protocol';
import type { Config } from '../config.js';

/**
 * Per-client-IP limit on public routes: config.rateLimitPerMinute requests per minute, counted in
 * `store` (shared by every instance on a Postgres server; in memory when none is given, as on the
 * embedded database, which one process owns). Standard `RateLimit` / `RateLimit-Policy` headers;
 * 429 with the usual error body. Behind a reverse proxy, set Express's `trust proxy` so req.ip is
 * the client, not the proxy.
 */
export function publicRateLimit(config: Pick<Config, 'rateLimitPerMinute'>, store?: Store, onRefused?: () => void): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    ...(store ? { store } : {}),
    // A counter the database could not update lets the request through: the limit protects the
    // service, and refusing every visitor during a database hiccup would do the attacker's work.
    passOnStoreError: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      onRefused?.();
      const body: ErrorBody = {
        error: { code: 'rate_limited', message: `Too many requests: at most ${options.limit} per minute from one address. Retry after the time in the Retry-After header.` },
      };
      res.status(429).json(body);
    },
  });
}

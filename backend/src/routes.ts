import express, { type RequestHandler } from 'express';
import { CHANNEL_API_LIMITS, LIMITS } from '@prex/protocol';
import { adminOriginCheck } from './auth/admin-cors.js';
import { publishableKeyAuth } from './auth/publishable-key.js';
import { secretKeyAuth, type SecretKeyFailureLimit } from './auth/secret-key.js';
import { visitorAuth } from './auth/session.js';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { channelTokenAuth } from './channel-api/token-auth.js';
import { tenantRateLimit } from './channel-api/rate-limit.js';
import { tagLogWithTenant } from './auth/log-tenant.js';
import { publicRateLimit } from './http/rate-limit.js';
import { PostgresRateLimitStore } from './http/rate-limit-store.js';
import { routeGroup, type Routes } from './http/route-group.js';
import { textGuard } from './http/text-guard.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import { touchLiveSession } from './conversations/sessions.js';
import { staffOriginCheck } from './staff/origin-check.js';
import { staffCsrfCheck, staffSessionAuth } from './staff/session-auth.js';

/**
 * Admin bodies: documents and product batches are larger than chat bodies. The secret key is
 * checked before the body is read, so only the tenant's own servers can send this much.
 */
export const ADMIN_JSON_LIMIT = '25mb';
/**
 * Webhook bodies (Twilio's form posts): a message of 1600 characters, its media URLs and Twilio's
 * own fields fit many times over.
 */
export const WEBHOOK_FORM_LIMIT = '64kb';

export interface RoutePolicyDeps {
  config: Config;
  db: Db;
  log: Logger;
  secretKeyFailures?: SecretKeyFailureLimit | undefined;
  /** Counts rate-limit refusals. */
  metrics?: Metrics | undefined;
}

/**
 * The policy of each kind of route, declared once: every feature registers its routes in these
 * groups, so no route can be mounted outside its rate limit, body limit or authentication.
 */
export function createRoutePolicies(deps: RoutePolicyDeps): Routes {
  const { config, db, log } = deps;
  // On a Postgres server several instances may share the database: they share the counters too.
  const rateLimitStore = db.engine === 'postgres' ? new PostgresRateLimitStore(db, 'public') : undefined;
  const rateLimit = once('rateLimited', publicRateLimit(config, rateLimitStore, () => deps.metrics?.rateLimited.inc()));
  const publicJson = once('publicJsonParsed', express.json({ limit: LIMITS.maxBodyBytes, strict: true }));
  const keyed = [rateLimit, publicJson, publishableKeyAuth(db)];
  const liveSessions = { touch: (tenantId: string, sessionId: string) => touchLiveSession(db, tenantId, sessionId) };
  const visitor = [rateLimit, publicJson, visitorAuth(db, config, liveSessions)];
  const adminJson = once('adminJsonParsed', express.json({ limit: ADMIN_JSON_LIMIT, strict: true }));
  const admin = [secretKeyAuth({ db, log, limit: deps.secretKeyFailures }), adminOriginCheck, adminJson];
  // The console: its own counter (a busy inbox must not use up the widgets' allowance, nor the
  // reverse), same-origin browsers only, then the session cookie and, to change anything, the CSRF token.
  const staffStore = db.engine === 'postgres' ? new PostgresRateLimitStore(db, 'staff') : undefined;
  const staffRateLimit = once('staffRateLimited', publicRateLimit(config, staffStore));
  const staffSignIn = [staffRateLimit, publicJson, staffOriginCheck(config.publicOrigin)];
  const staff = [...staffSignIn, staffSessionAuth(db), staffCsrfCheck];
  // No key: the provider signs each request, and the route checks the signature against the
  // tenant's credentials (it needs the parsed form and the tenant to do so).
  const webhookForm = once('webhookFormParsed', express.urlencoded({ extended: false, limit: WEBHOOK_FORM_LIMIT, parameterLimit: 200 }));
  const webhook = [rateLimit, webhookForm];
  // A tenant's gateways (channels API): the token is checked before the body is read, then the
  // tenant's own allowance applies, whichever addresses its gateways call from.
  const channelStore = db.engine === 'postgres' ? new PostgresRateLimitStore(db, 'channel') : undefined;
  const channelJson = once('channelJsonParsed', express.json({ limit: CHANNEL_API_LIMITS.maxBodyBytes, strict: true }));
  const channel = [rateLimit, channelTokenAuth({ db, log }), once('channelRateLimited', tenantRateLimit(channelStore)), channelJson];
  // Last in every policy: the route matched (its parameters are known) and the body was parsed.
  // Per route, not once per request: each matched route has its own parameters.
  return {
    keyed: () => routeGroup([...keyed, tagLogWithTenant, textGuard]),
    visitor: () => routeGroup([...visitor, tagLogWithTenant, textGuard]),
    admin: () => routeGroup([...admin, tagLogWithTenant, textGuard]),
    staffSignIn: () => routeGroup([...staffSignIn, textGuard]),
    staff: () => routeGroup([...staff, tagLogWithTenant, textGuard]),
    webhook: () => routeGroup([...webhook, textGuard]),
    channelApi: () => routeGroup([...channel, tagLogWithTenant, textGuard]),
  };
}

/**
 * Runs `handler` at most once per request, even when the request passes through several matched
 * routes (a request must be counted once by the rate limiter, and a body read once).
 */
function once(flag: string, handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const locals = res.locals as Record<string, unknown>;
    if (locals[flag]) return next();
    locals[flag] = true;
    return handler(req, res, next);
  };
}

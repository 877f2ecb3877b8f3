import { Router } from 'express';
import { ROUTES, type CreateSessionResponse } from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { tenantOf } from '../http/context.js';
import { publishableKeyAuth } from '../tenants/middleware.js';
import { createSession } from './repository.js';
import { signSessionToken } from './token.js';

/** POST /v1/sessions: a new anonymous session and its signed token. No body needed. */
export function createSessionsRouter(db: Db, config: Config): Router {
  const router = Router();
  router.post(ROUTES.sessions, publishableKeyAuth(db), async (_req, res) => {
    const tenant = tenantOf(res);
    const session = await createSession(db, tenant.id);
    const expiresAt = new Date(session.createdAt.getTime() + config.session.ttlSeconds * 1000);
    const token = signSessionToken({ sessionId: session.id, tenantId: tenant.id, expiresAt }, config.session.secret);
    // The token's expiry has whole seconds; report the same instant.
    const body: CreateSessionResponse = { sessionId: session.id, token, expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString() };
    res.status(201).json(body);
  });
  return router;
}

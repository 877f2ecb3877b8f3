import { ROUTES, type CreateSessionResponse } from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { createSession } from '../conversations/sessions.js';
import { signSessionToken } from '../auth/session-token.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';

/** POST /v1/sessions: a new anonymous session and its signed token. No body needed. */
export function createSessionsFeature(deps: { db: Db; config: Config; routes: Routes }): Feature {
  const { db, config } = deps;
  const routes = deps.routes.keyed();
  routes.post(ROUTES.sessions, async (_req, res) => {
    const tenant = tenantOf(res);
    const session = await createSession(db, tenant.id);
    const expiresAt = new Date(session.createdAt.getTime() + config.session.ttlSeconds * 1000);
    const token = signSessionToken({ sessionId: session.id, tenantId: tenant.id, expiresAt }, config.session.secret);
    // The token's expiry has whole seconds; report the same instant.
    const body: CreateSessionResponse = { sessionId: session.id, token, expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString() };
    res.status(201).json(body);
  });
  return { publicRoutes: routes.router };
}

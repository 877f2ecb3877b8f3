import { STAFF_ACCESS_ROUTES, setupRequestSchema, type SetupResponse, type SetupStatusResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { conflict } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { requestOrigin } from '../staff/links.js';
import { openStaffSession } from '../staff/sign-in.js';
import { embedSnippet } from '../tenants/embed-snippet.js';
import { runFirstSetup, isSetupNeeded } from './first-run.js';

export interface SetupDeps {
  db: Db;
  routes: Routes;
  /** PREX_PUBLIC_URL (origin and path prefix): where the embed snippet loads the loader from; else the request's origin. */
  publicUrl: string | undefined;
  /** The Supabase project staff may sign in with (config.supabase), told to the console; null when not configured. */
  supabase: { url: string; anonKey: string } | null;
}

/**
 * First-run setup, in the staffSignIn group (rate-limited, same-origin browsers only, no session):
 * - GET  /v1/staff/setup  {needed, signIn}: needed while the server has no workspace (the console then
 *   offers setup); signIn says how staff sign in (password, and Supabase Auth when configured)
 * - POST /v1/staff/setup  {workspaceName, origin, email, ownerName, password} → 201: the workspace, its owner signed
 *   in (cookie and CSRF token as after POST /v1/staff/login), its keys (the secret one shown only
 *   here) and the snippet to paste; 409 once any workspace exists.
 */
export function createSetupFeature(deps: SetupDeps): Feature {
  const { db } = deps;
  const routes = deps.routes.staffSignIn();

  routes.get(STAFF_ACCESS_ROUTES.setup, async (_req, res) => {
    const out: SetupStatusResponse = { needed: await isSetupNeeded(db), signIn: { password: true, supabase: deps.supabase } };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(STAFF_ACCESS_ROUTES.setup, async (req, res) => {
    const body = parseJsonBody(setupRequestSchema, req, 'setup');
    const outcome = await runFirstSetup(db, body);
    if (outcome.kind === 'already-set-up') throw conflict('This server is already set up: sign in to the console instead (an operator adds workspaces with prex tenants create)');
    const session = await openStaffSession(db, req, res, outcome.owner);
    const out: SetupResponse = {
      ...session,
      publishableKey: outcome.tenant.publishableKey,
      secretKey: outcome.secretKey,
      embedSnippet: embedSnippet(deps.publicUrl ?? requestOrigin(req), outcome.tenant.publishableKey),
    };
    res.status(201).set('Cache-Control', 'no-store').json(out);
  });

  return { publicRoutes: routes.router };
}

import { STAFF_ROUTES } from '@prex/protocol';
import { staffOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { ConversationBus } from '../bus/index.js';
import type { Feature } from '../feature.js';
import type { HandoffService } from '../handoff/service.js';
import { addHandoffAdminRoutes } from '../handoff/admin-routes.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/types.js';
import { findAccount } from './accounts.js';
import { addSessionRoutes, addSignInRoutes } from './auth-routes.js';
import type { LoginLimits } from './login.js';
import { addPasswordChangeRoutes } from './password-change-routes.js';
import { addPasswordResetRoutes } from './password-reset-routes.js';
import type { SupabaseAuth } from './supabase-auth.js';
import { addSupabaseSignInRoutes } from './supabase-routes.js';
import { addTeamRoutes } from './team-routes.js';

export interface StaffDeps {
  db: Db;
  log: Logger;
  mailer: Mailer;
  routes: Routes;
  /** Staff replies and typing reach the widget through it. */
  bus: ConversationBus;
  /** Resolving goes through the one handoff service. */
  handoff: HandoffService;
  /** PREX_PUBLIC_URL's origin: where invite links point (else the inviting request's own origin). */
  publicOrigin: string | undefined;
  loginLimits?: LoginLimits | undefined;
  /** Sign-in with Supabase Auth, when the server is configured for it. */
  supabase: SupabaseAuth | null;
}

/**
 * The tenant's staff in the console: accounts with roles, invitations, sign-in (password or
 * Supabase Auth), password resets, sessions, and the handoff admin routes (escalations,
 * conversations, replies) for the signed-in staff's tenant.
 */
export function createStaffFeature(deps: StaffDeps): Feature {
  const signIn = deps.routes.staffSignIn();
  addSignInRoutes(signIn, deps);
  addSupabaseSignInRoutes(signIn, deps);
  const resets = addPasswordResetRoutes(signIn, deps);
  const staff = deps.routes.staff();
  addSessionRoutes(staff, deps.db);
  addPasswordChangeRoutes(staff, deps);
  addTeamRoutes(staff, deps);
  addHandoffAdminRoutes(staff, deps, STAFF_ROUTES, async (res) => {
    const { tenantId, accountId } = staffOf(res);
    return { accountId, name: (await findAccount(deps.db, tenantId, accountId))?.name };
  });
  // Reset mails still being sent finish before the mailer closes.
  return { publicRoutes: [signIn.router, staff.router], stop: () => resets.settled() };
}

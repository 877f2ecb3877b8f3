import { Router } from 'express';
import type { CustomersDeps } from './deps.js';
import { createEmailCodeRouter } from './email-codes.js';
import { createIdentityRouter } from './identity.js';
import { createCustomerMeRouter } from './me.js';

export { createCustomersAdminRouter } from './admin.js';
export { customerOfSession, identityLevelOf } from './repository.js';
export { customerSettings } from './settings.js';
export type { CustomerProfile, IdentityLevel } from './profile.js';
export type { CustomersDeps } from './deps.js';

/** The visitor's side of customers: identity ladder, email codes, profile and data rights. */
export function createCustomersRouter(deps: CustomersDeps): Router {
  const router = Router();
  router.use(createIdentityRouter(deps), createEmailCodeRouter(deps), createCustomerMeRouter(deps));
  return router;
}

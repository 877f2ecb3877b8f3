import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { addCustomerAdminRoutes } from './admin.js';
import type { CustomersDeps } from './deps.js';
import { addEmailCodeRoutes } from './email-codes.js';
import { addIdentityRoutes } from './identity.js';
import { addCustomerMeRoutes } from './me.js';
import { addPhoneCodeRoutes } from './phone-codes.js';

export { customerOfSession } from './repository.js';
export { linkPhoneSession } from './link.js';
export type { PhoneChannel } from './phone-channel.js';
export { customerSettings } from './settings.js';
export type { CustomerProfile, IdentityLevel } from './profile.js';
export type { CustomersDeps } from './deps.js';

/**
 * Customers: the visitor's identity ladder, email codes, profile and data rights; and the tenant's
 * side (find, export, erase customers; customer settings and the identity secret).
 */
export function createCustomersFeature(deps: CustomersDeps & { routes: Routes }): Feature {
  const visitor = deps.routes.visitor();
  addIdentityRoutes(visitor, deps);
  addEmailCodeRoutes(visitor, deps);
  if (deps.phone) addPhoneCodeRoutes(visitor, { ...deps, phone: deps.phone });
  addCustomerMeRoutes(visitor, deps);
  const admin = deps.routes.admin();
  addCustomerAdminRoutes(admin, deps);
  return { publicRoutes: visitor.router, adminRoutes: admin.router };
}

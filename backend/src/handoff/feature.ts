import type { ConversationBus } from '../bus/index.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import { addHandoffAdminRoutes } from './admin-routes.js';
import type { HandoffService } from './service.js';
import { addHandoffVisitorRoutes } from './visitor-routes.js';

/** The visitor asks for a person (or answers the agent's proposal); the tenant's team works the escalations. */
export function createHandoffFeature(deps: { db: Db; log: Logger; routes: Routes; handoff: HandoffService; bus: ConversationBus }): Feature {
  const visitor = deps.routes.visitor();
  addHandoffVisitorRoutes(visitor, deps.db, deps.handoff);
  const admin = deps.routes.admin();
  addHandoffAdminRoutes(admin, deps);
  return { publicRoutes: visitor.router, adminRoutes: admin.router };
}

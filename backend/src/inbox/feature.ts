import { STAFF_INBOX_ROUTES } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Feature } from '../feature.js';
import { SseResponse } from '../http/sse.js';
import { addCannedReplyRoutes } from './canned-routes.js';
import { addInboxConversationRoutes } from './conversation-routes.js';
import type { InboxDeps } from './deps.js';
import { streamInboxEvents } from './event-stream.js';

/**
 * The staff inbox of the console: every conversation of the tenant with its working state,
 * private notes, canned replies, and a live stream of which conversation changed (served by any
 * instance: changes travel on the bus). Any staff role may use it; every route serves the signed-in
 * staff member's tenant only. The state itself is kept where messages and handoffs are stored
 * (conversations/working-state.ts).
 */
export function createInboxFeature(deps: InboxDeps): Feature {
  const routes = deps.routes.staff();
  addInboxConversationRoutes(routes, deps);
  addCannedReplyRoutes(routes, deps.db);
  // GET /v1/staff/agents (the agent filter's list) is served by the Agents page's routes (agents/staff-routes.ts).

  const open = new Set<SseResponse>();
  routes.get(STAFF_INBOX_ROUTES.events, (_req, res) => {
    const tenantId = tenantOf(res).id;
    const sse = new SseResponse(res, deps.config.heartbeatMs).open();
    open.add(sse);
    sse.onClose(() => open.delete(sse));
    streamInboxEvents(deps.bus, sse, tenantId);
  });

  return {
    publicRoutes: routes.router,
    // Consoles reconnect (to this or another instance) and read the list again.
    async stop() {
      for (const sse of [...open]) sse.end();
    },
  };
}

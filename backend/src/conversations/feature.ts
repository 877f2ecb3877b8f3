import { ROUTES } from '@prex/protocol';
import { sessionOf } from '../auth/context.js';
import type { ConversationBus } from '../bus/index.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { parseCursor } from '../http/cursor.js';
import type { Routes } from '../http/route-group.js';
import { SseResponse } from '../http/sse.js';
import { streamConversationEvents } from './event-stream.js';

export interface ConversationsFeatureDeps {
  config: Pick<Config, 'heartbeatMs'>;
  db: Db;
  bus: ConversationBus;
  routes: Routes;
  /** How often an open stream reads the log without a notification (tests and benches shorten it). */
  pollMs?: number | undefined;
}

/**
 * The visitor's live view of their conversation (publishable key + session):
 * - GET /v1/conversations/current/events   SSE of staff replies, staff typing and handoff states;
 *   `Last-Event-ID` or `?after=` resumes after the last event received. Served by any instance.
 */
export function createConversationsFeature(deps: ConversationsFeatureDeps): Feature {
  const routes = deps.routes.visitor();
  const open = new Set<SseResponse>();

  routes.get(ROUTES.conversationEvents, (req, res) => {
    const afterSeq = parseCursor(req);
    const { tenantId, sessionId } = sessionOf(res);
    const sse = new SseResponse(res, deps.config.heartbeatMs).open();
    open.add(sse);
    sse.onClose(() => open.delete(sse));
    streamConversationEvents({ db: deps.db, bus: deps.bus, pollMs: deps.pollMs }, sse, { tenantId, sessionId }, afterSeq);
  });

  return {
    publicRoutes: routes.router,
    // Clients reconnect (to this or another instance) with their Last-Event-ID.
    async stop() {
      for (const sse of [...open]) sse.end();
    },
  };
}

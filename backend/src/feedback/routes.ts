import {
  conversationSummariesRequestSchema,
  feedbackRequestSchema,
  ROUTES,
  type ConversationSummariesResponse,
  type FeedbackResponse,
} from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { sessionOf, tenantOf } from '../auth/context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Feature } from '../feature.js';
import type { RouteGroup, Routes } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { verifySessionToken } from '../auth/session-token.js';
import { rateAnswer } from './rate-answer.js';
import { listConversationSummaries } from '../conversations/read-models.js';

const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;

/**
 * Visitor-facing extras of the chat:
 * - POST /v1/chat/:messageId/feedback: thumbs (and an optional comment) on one of the session's
 *   answers; idempotent (sending again replaces it).
 * - POST /v1/conversations/summaries: summaries of the conversations whose session tokens the
 *   visitor presents; every token is verified and must belong to the key's tenant.
 */
export function createFeedbackFeature(deps: { db: Db; config: Config; routes: Routes }): Feature {
  const visitor = deps.routes.visitor();
  addFeedbackRoute(visitor, deps.db);
  const keyed = deps.routes.keyed();
  addSummariesRoute(keyed, deps.db, deps.config);
  return { publicRoutes: [visitor.router, keyed.router] };
}

function addFeedbackRoute(routes: RouteGroup, db: Db): void {
  routes.post(ROUTES.feedback, async (req, res) => {
    const messageId = String(req.params.messageId);
    if (!MESSAGE_ID.test(messageId)) throw badRequest('Invalid message id', [{ path: 'messageId', message: 'not a message id' }]);
    const body = parseJsonBody(feedbackRequestSchema, req, 'feedback');
    const { sessionId, tenantId } = sessionOf(res);
    const saved = await rateAnswer(db, { tenantId, sessionId, messageId, rating: body.rating, comment: body.comment || null });
    if (saved === 'missing') throw notFound('No such answer in this session');
    if (saved === 'streaming') throw conflict('The answer is still being written: send feedback once it has finished');
    const out: FeedbackResponse = saved;
    res.json(out);
  });
}

/** Summaries need only the key: the visitor proves each conversation with its own session token. */
function addSummariesRoute(routes: RouteGroup, db: Db, config: Config): void {
  routes.post(ROUTES.conversationSummaries, async (req, res) => {
    const { tokens } = parseJsonBody(conversationSummariesRequestSchema, req, 'summaries request');
    const tenantId = tenantOf(res).id;
    const sessions = new Map<string, number>();
    tokens.forEach((token, index) => {
      try {
        const claims = verifySessionToken(token, config.session.secret);
        if (claims.tenantId === tenantId && !sessions.has(claims.sessionId)) sessions.set(claims.sessionId, index);
      } catch {
        /* forged, malformed or expired: left out */
      }
    });
    const rows = sessions.size ? await listConversationSummaries(db, tenantId, [...sessions.keys()]) : [];
    const out: ConversationSummariesResponse = {
      conversations: rows.map((r) => ({ index: sessions.get(r.sessionId)!, ...r })),
    };
    res.json(out);
  });

}

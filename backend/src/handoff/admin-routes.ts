import type { Response } from 'express';
import {
  adminEscalationsQuerySchema,
  adminEscalationUpdateSchema,
  HANDOFF_ADMIN_ROUTES,
  staffReplyRequestSchema,
  staffTypingRequestSchema,
  type AdminConversationResponse,
  type AdminEscalationResponse,
  type AdminEscalationsResponse,
  type StaffReplyResponse,
} from '@prex/protocol';
import { STAFF_REPLY_TOPIC, type ConversationBus } from '../bus/index.js';
import { announceConversationEvent, announceStaffTyping } from '../conversations/announce.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { tenantOf } from '../auth/context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { findConversationSession, insertStaffReply, listConversationMessages } from '../conversations/staff-thread.js';
import { listEscalations, listSessionEscalations } from './repository.js';
import type { HandoffService } from './service.js';

const ESCALATION_ID = /^esc_[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^ses_[A-Za-z0-9_-]{1,64}$/;

function idParam(value: unknown, pattern: RegExp, what: string): string {
  const id = String(value);
  if (!pattern.test(id)) throw badRequest(`Invalid ${what}`, [{ path: what, message: `not a valid ${what}` }]);
  return id;
}

/** Where the routes are mounted: the admin API's paths, or the same routes under /v1/staff for the console. */
export type HandoffRoutePaths = { readonly [K in keyof typeof HANDOFF_ADMIN_ROUTES]: string };

/**
 * Who is replying or typing, when the caller is a signed-in staff account (the console): its display
 * name signs the reply, and no name means unsigned (the widget's "support team" label). The body's
 * staffName never counts for an account: a teammate could otherwise reply as anyone, and an email
 * never stands in for a name. Its id lets teammates' inboxes tell whose typing notice is whose.
 * Undefined for the admin API (the tenant's secret key): the body's staffName, else the label.
 */
export type StaffSignerOf = (res: Response) => Promise<{ accountId: string; name: string | undefined } | undefined>;

/**
 * The tenant's team (secret key, or a staff session through the console): escalations to work on and the conversations behind them.
 * - GET   /v1/admin/escalations?status=&limit=&offset=   newest first
 * - PATCH /v1/admin/escalations/:escalationId {status: 'resolved'}
 * - GET   /v1/admin/conversations/:sessionId             messages (author, label, tool calls, feedback), escalations, customer
 * - POST  /v1/admin/conversations/:sessionId/replies {text, staffName?}   a staff reply the visitor sees as from a human (pushed to the widget)
 * - POST  /v1/admin/conversations/:sessionId/typing {staffName?}          staff are writing (the widget shows it; send again every few seconds)
 */
export function addHandoffAdminRoutes(
  routes: RouteGroup,
  deps: { db: Db; bus: ConversationBus; log: Logger; handoff: HandoffService },
  paths: HandoffRoutePaths = HANDOFF_ADMIN_ROUTES,
  signerOf: StaffSignerOf = async () => undefined,
): void {
  const { db } = deps;
  routes.get(paths.escalations, async (req, res) => {
    const query = parseInput(adminEscalationsQuerySchema, req.query, 'query');
    const out: AdminEscalationsResponse = { escalations: await listEscalations(db, tenantOf(res).id, query) };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.patch(paths.escalation, async (req, res) => {
    const escalationId = idParam(req.params.escalationId, ESCALATION_ID, 'escalationId');
    parseJsonBody(adminEscalationUpdateSchema, req, 'escalation update');
    const outcome = await deps.handoff.resolve(tenantOf(res).id, escalationId);
    if (outcome === 'missing') throw notFound(`No escalation ${escalationId}`);
    if (outcome === 'declined') throw conflict(`Escalation ${escalationId} was declined by the visitor; there is nothing to resolve`);
    const out: AdminEscalationResponse = { escalation: outcome.escalation };
    res.json(out);
  });

  routes.get(paths.conversation, async (req, res) => {
    const sessionId = idParam(req.params.sessionId, SESSION_ID, 'sessionId');
    const tenantId = tenantOf(res).id;
    const session = await findConversationSession(db, tenantId, sessionId);
    if (!session) throw notFound(`No conversation ${sessionId}`);
    const [messages, escalations] = await Promise.all([listConversationMessages(db, tenantId, sessionId), listSessionEscalations(db, tenantId, sessionId)]);
    const out: AdminConversationResponse = {
      sessionId,
      customerId: session.customerId,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      messages,
      escalations,
    };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(paths.conversationReplies, async (req, res) => {
    const sessionId = idParam(req.params.sessionId, SESSION_ID, 'sessionId');
    const { text, staffName } = parseJsonBody(staffReplyRequestSchema, req, 'reply');
    const tenantId = tenantOf(res).id;
    if (!(await findConversationSession(db, tenantId, sessionId))) throw notFound(`No conversation ${sessionId}`);
    const signer = await signerOf(res);
    const { message, seq } = await insertStaffReply(db, { tenantId, sessionId, text, staffName: signer ? signer.name : staffName });
    await announceConversationEvent(deps, { tenantId, sessionId }, seq);
    await touchConversation(deps, { tenantId, sessionId }, 'staff-reply');
    // Other channels of the conversation (SMS) relay the reply; the reply is stored whatever the bus does.
    await deps.bus.publish(STAFF_REPLY_TOPIC, { kind: 'staff-reply', tenantId, sessionId, messageId: message.id }).catch((error: unknown) => {
      deps.log.warn('could not publish a staff reply', { sessionId, error: error instanceof Error ? error.message : String(error) });
    });
    const out: StaffReplyResponse = { message };
    res.status(201).json(out);
  });

  routes.post(paths.conversationTyping, async (req, res) => {
    const sessionId = idParam(req.params.sessionId, SESSION_ID, 'sessionId');
    const { staffName } = parseJsonBody(staffTypingRequestSchema, req, 'typing notice');
    const tenantId = tenantOf(res).id;
    if (!(await findConversationSession(db, tenantId, sessionId))) throw notFound(`No conversation ${sessionId}`);
    const signer = await signerOf(res);
    await announceStaffTyping(deps, { tenantId, sessionId }, { name: signer ? signer.name : staffName, accountId: signer?.accountId });
    res.status(204).end();
  });
}

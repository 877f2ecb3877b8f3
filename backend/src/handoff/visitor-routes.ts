import { handoffConfirmRequestSchema, handoffRequestSchema, ROUTES, type HandoffCurrentResponse, type HandoffResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { sessionOf } from '../auth/context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { latestUserMessageId } from '../conversations/staff-thread.js';
import { findActiveEscalation, toVisitorEscalation } from './repository.js';
import type { HandoffService } from './service.js';

const ESCALATION_ID = /^esc_[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_REASON = 'The visitor asked to talk to a person.';

/**
 * The visitor's side of the handoff (publishable key + session; mounted behind the public rate limit):
 * - POST /v1/handoff {reason?}: talk to a person now → 201 with the open escalation, 200 when one was already open;
 * - POST /v1/handoff/:escalationId/confirm {accept}: the answer to the agent's proposal → open or declined;
 * - GET  /v1/handoff/current: the session's proposed or open escalation, or null.
 * Opening goes through the handoff service, which tells the staff (the notice email) once.
 */
export function addHandoffVisitorRoutes(routes: RouteGroup, db: Db, handoff: HandoffService): void {
  routes.post(ROUTES.handoff, async (req, res) => {
    const body = parseJsonBody(handoffRequestSchema, req, 'handoff request');
    const { tenantId, sessionId } = sessionOf(res);
    const { escalation, created } = await handoff.openOrReuse({
      tenantId,
      sessionId,
      messageId: await latestUserMessageId(db, tenantId, sessionId),
      reason: body.reason ?? DEFAULT_REASON,
      source: 'visitor',
      status: 'open',
    });
    const out: HandoffResponse = { escalation: toVisitorEscalation(escalation) };
    res.status(created ? 201 : 200).json(out);
  });

  routes.post(ROUTES.handoffConfirm, async (req, res) => {
    const escalationId = String(req.params.escalationId);
    if (!ESCALATION_ID.test(escalationId)) throw badRequest('Invalid escalation id', [{ path: 'escalationId', message: 'not an escalation id (esc_…)' }]);
    const { accept } = parseJsonBody(handoffConfirmRequestSchema, req, 'confirmation');
    const outcome = await handoff.answer({ ...sessionOf(res), escalationId, accept });
    if (outcome === 'missing') throw notFound(`No escalation ${escalationId} in this conversation`);
    if ('notProposed' in outcome) throw conflict(`Escalation ${escalationId} is ${outcome.notProposed.status}, not waiting for confirmation`);
    const out: HandoffResponse = { escalation: toVisitorEscalation(outcome.escalation) };
    res.json(out);
  });

  routes.get(ROUTES.handoffCurrent, async (_req, res) => {
    const { tenantId, sessionId } = sessionOf(res);
    const active = await findActiveEscalation(db, tenantId, sessionId);
    const out: HandoffCurrentResponse = { escalation: active ? toVisitorEscalation(active) : null };
    res.set('Cache-Control', 'no-store').json(out);
  });
}

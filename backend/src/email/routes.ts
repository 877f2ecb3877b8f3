import type { Response } from 'express';
import {
  CONVERSATION_EMAILS_PER_HOUR,
  EMAIL_EVENTS_ROUTE,
  emailConversationRequestSchema,
  emailEventsQuerySchema,
  ROUTES,
  type EmailConversationResponse,
  type EmailEventsResponse,
} from '@prex/protocol';
import type { Config } from '../config.js';
import { verificationRequired } from '../customers/errors.js';
import type { Db } from '../db/db.js';
import { sessionOf, tenantOf } from '../auth/context.js';
import { conflict, HttpError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import type { RouteGroup } from '../http/route-group.js';
import { maskEmail } from './address.js';
import { sendConversationSummary, verifiedCustomerOfSession, type SummaryDeps } from './conversation-summary.js';
import { listEmailEvents, sessionEmailsSince, type EmailEvent } from '../mail/events.js';

const HOUR_MS = 3_600_000;

export type EmailRoutesDeps = SummaryDeps & { config: Config };

/**
 * - POST /v1/conversations/current/email (publishable key + session): "email me this conversation"
 *   to the session's verified address; 403 verification_required without one; 429 past
 *   CONVERSATION_EMAILS_PER_HOUR; 502 (generic message) when the relay fails.
 * - GET /v1/admin/email-events (secret key): the tenant's sends, newest first.
 */
export function addEmailRoutes(routes: { visitor: RouteGroup; admin: RouteGroup }, deps: EmailRoutesDeps): void {
  const { db } = deps;
  const oneAtATime = oneSendPerSession();

  routes.visitor.post(
    ROUTES.emailConversation,
    async (req, res) => {
      // The widget sends {}; a bodyless POST is the same one click.
      parseInput(emailConversationRequestSchema, req.body ?? {}, 'email request');
      const { tenantId, sessionId } = sessionOf(res);
      const customer = await verifiedCustomerOfSession(db, tenantId, sessionId);
      if (!customer) throw verificationRequired('Emailing this conversation');
      const events = await oneAtATime(sessionId, async () => {
        await enforceHourlyLimit(db, tenantId, sessionId, res);
        return sendConversationSummary(deps, { tenantId, sessionId, kind: 'summary' });
      });
      if (events.length === 0) throw conflict('There is nothing to email yet: ask a question first');
      const out: EmailConversationResponse = { sent: true, to: maskEmail(customer.email) };
      res.status(202).json(out);
    },
  );

  routes.admin.get(EMAIL_EVENTS_ROUTE, async (req, res) => {
    const query = parseInput(emailEventsQuerySchema, req.query, 'email events query');
    const events = await listEmailEvents(db, tenantOf(res).id, query);
    const out: EmailEventsResponse = { events: events.map(toWire) };
    res.json(out);
  });
}

/**
 * A double click must not slip past the hourly count while the first mail is still with the relay.
 * Per process; across processes the count in email_events still holds.
 */
function oneSendPerSession() {
  const sending = new Set<string>();
  return async <T>(sessionId: string, send: () => Promise<T>): Promise<T> => {
    if (sending.has(sessionId)) throw new HttpError(429, 'rate_limited', 'This conversation is already being emailed: wait for that one');
    sending.add(sessionId);
    try {
      return await send();
    } finally {
      sending.delete(sessionId);
    }
  };
}

async function enforceHourlyLimit(db: Db, tenantId: string, sessionId: string, res: Response): Promise<void> {
  const now = Date.now();
  const recent = await sessionEmailsSince(db, tenantId, sessionId, 'summary', new Date(now - HOUR_MS));
  if (recent.count < CONVERSATION_EMAILS_PER_HOUR) return;
  const retryAfterSeconds = recent.oldest ? Math.max(1, Math.ceil((recent.oldest.getTime() + HOUR_MS - now) / 1000)) : 3600;
  res.set('Retry-After', String(retryAfterSeconds));
  throw new HttpError(429, 'rate_limited', `This conversation was emailed ${CONVERSATION_EMAILS_PER_HOUR} times in the last hour: try again later`);
}

const toWire = (e: EmailEvent): EmailEventsResponse['events'][number] => ({
  id: e.id,
  sessionId: e.sessionId,
  customerId: e.customerId,
  kind: e.kind,
  recipient: e.recipient,
  status: e.status,
  providerId: e.providerId,
  error: e.error,
  createdAt: e.createdAt.toISOString(),
});

import type { Response } from 'express';
import {
  CHANNEL_API_ROUTES,
  CHANNEL_API_TOKEN,
  channelEscalateRequestSchema,
  channelMessageRequestSchema,
  channelRepliesRequestSchema,
  channelValidateRequestSchema,
  type ChannelEscalateResponse,
  type ChannelSecretResponse,
  type ChannelValidateResponse,
} from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { ConversationBus } from '../bus/index.js';
import { latestUserMessageId } from '../conversations/staff-thread.js';
import { linkHostIdentity } from '../customers/link.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { HandoffService } from '../handoff/service.js';
import { notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { requireRole } from '../staff/session-auth.js';
import { findApiConversation, findOrCreateApiConversation } from './conversations.js';
import { answerChannelMessage, type AnswerFn } from './message.js';
import { staffRepliesAfter } from './replies.js';
import { rotateChannelSecret } from './secret.js';

export interface ChannelApiFeatureDeps {
  db: Db;
  log: Logger;
  routes: Routes;
  bus: ConversationBus;
  handoff: HandoffService;
  /** The answering pipeline (ChatFeature.answer). */
  answer: AnswerFn;
}

const DEFAULT_REASON = 'The gateway asked for a person on the user’s behalf.';

/**
 * The channels API, a third channel of the same conversations: a tenant's own gateway sends its
 * users' messages (answered like the widget's), vouches for who they are, and hands them to a
 * person. The tenant comes from the token (channelTokenAuth), the conversation from the gateway's
 * key within that tenant: a token of one tenant can never name another's conversation.
 */
export function createChannelApiFeature(deps: ChannelApiFeatureDeps): Feature {
  const { db } = deps;
  const api = deps.routes.channelApi();
  const conversationOf = (res: Response, key: string) => findOrCreateApiConversation(db, tenantOf(res).id, key);

  api.post(CHANNEL_API_ROUTES.message, async (req, res) => {
    const body = parseJsonBody(channelMessageRequestSchema, req, 'message');
    const conversation = await conversationOf(res, body.conversationKey);
    const scope = { tenantId: conversation.tenantId, sessionId: conversation.sessionId };
    res.set('Cache-Control', 'no-store').json(await answerChannelMessage(deps, scope, body));
  });

  api.post(CHANNEL_API_ROUTES.validate, async (req, res) => {
    const body = parseJsonBody(channelValidateRequestSchema, req, 'validation');
    const conversation = await conversationOf(res, body.conversationKey);
    // The token vouches for the gateway, and the gateway for the user: the host's word, as in the widget.
    const customer = await linkHostIdentity(db, conversation, { userId: body.userId, email: body.email ?? null, name: body.name ?? null });
    const out: ChannelValidateResponse = {
      conversationId: conversation.sessionId,
      customer: { id: customer.id, userId: body.userId, email: customer.email, name: customer.name },
    };
    res.json(out);
  });

  api.post(CHANNEL_API_ROUTES.escalate, async (req, res) => {
    const body = parseJsonBody(channelEscalateRequestSchema, req, 'escalation');
    const { tenantId, sessionId } = await conversationOf(res, body.conversationKey);
    const { escalation, created } = await deps.handoff.openOrReuse({
      tenantId,
      sessionId,
      messageId: await latestUserMessageId(db, tenantId, sessionId),
      reason: body.reason ?? DEFAULT_REASON,
      source: 'visitor',
      status: 'open',
    });
    const out: ChannelEscalateResponse = { conversationId: sessionId, escalationId: escalation.id, created };
    res.status(created ? 201 : 200).json(out);
  });

  api.post(CHANNEL_API_ROUTES.replies, async (req, res) => {
    const body = parseJsonBody(channelRepliesRequestSchema, req, 'replies request');
    // Reading never creates a conversation.
    const conversation = await findApiConversation(db, tenantOf(res).id, body.conversationKey);
    if (!conversation) throw notFound('No conversation for this conversationKey: send a message first');
    res.set('Cache-Control', 'no-store').json(await staffRepliesAfter(db, conversation, body.after));
  });

  const replyWithNewSecret = async (res: Response) => {
    const tenantId = tenantOf(res).id;
    const out: ChannelSecretResponse = { channelSecret: await rotateChannelSecret(db, tenantId), issuer: tenantId, audience: CHANNEL_API_TOKEN.audience };
    res.set('Cache-Control', 'no-store').status(201).json(out);
  };
  const admin = deps.routes.admin();
  admin.post(CHANNEL_API_ROUTES.rotateSecret, (_req, res) => replyWithNewSecret(res));
  // The console's way: the owner alone, as for the identity secret.
  const staff = deps.routes.staff();
  staff.post(CHANNEL_API_ROUTES.staffRotateSecret, requireRole('owner'), (_req, res) => replyWithNewSecret(res));

  return { publicRoutes: [api.router, staff.router], adminRoutes: admin.router };
}

import { CHANNEL_API_LIMITS, type ChannelRepliesResponse } from '@prex/protocol';
import { listSessionMessages } from '../conversations/messages.js';
import type { Db } from '../db/db.js';
import { openEscalationOfSession } from '../handoff/repository.js';
import { badRequest } from '../http/errors.js';
import { plainText } from '../sms/format.js';

type Scope = { tenantId: string; sessionId: string };

/**
 * The staff replies of a conversation after the message `after` (all of them without it), oldest
 * first and at most a page: what the gateway still has to deliver to its user.
 */
export async function staffRepliesAfter(db: Db, scope: Scope, after: string | undefined): Promise<ChannelRepliesResponse> {
  const messages = await listSessionMessages(db, scope);
  const start = after === undefined ? 0 : messages.findIndex((m) => m.id === after) + 1;
  if (start === 0 && after !== undefined) {
    throw badRequest('after is not a message of this conversation', [{ path: 'after', message: 'not a message id of this conversation' }]);
  }
  const replies = messages
    .slice(start)
    .filter((m) => m.role === 'assistant' && m.author === 'human')
    .slice(0, CHANNEL_API_LIMITS.maxRepliesPerCall)
    .map((m) => ({ messageId: m.id, text: m.text, plainText: plainText(m.text), authorName: m.authorName, createdAt: m.createdAt.toISOString() }));
  const handedOver = (await openEscalationOfSession(db, scope.tenantId, scope.sessionId)) !== undefined;
  return { conversationId: scope.sessionId, handedOver, replies };
}

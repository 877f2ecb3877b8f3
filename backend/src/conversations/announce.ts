import { conversationTopic, inboxTopic, type ConversationBus } from '../bus/index.js';
import type { Logger } from '../logger.js';
import type { ConversationScope } from './event-log.js';

/**
 * Tells every instance's streams of this conversation what happened. A lost announcement only
 * delays a stream until its next poll (event-stream.ts): the log, not the bus, is the truth, so a
 * failure here is logged and never fails the request that stored the event.
 */
export async function announceConversationEvent(deps: { bus: ConversationBus; log: Logger }, scope: ConversationScope, seq: number): Promise<void> {
  await deps.bus.publish(conversationTopic(scope.tenantId, scope.sessionId), { kind: 'conversation-event', seq }).catch((error: unknown) => {
    deps.log.warn('could not announce a conversation event', { sessionId: scope.sessionId, seq, error: String(error) });
  });
}

/**
 * A staff member is writing: ephemeral, nothing stored, delivered to the streams open now (the
 * visitor's, and the tenant's staff inboxes, so teammates see who is on it). The account id goes
 * to the staff inboxes only (a console skips its own notices by it), never to the visitor.
 */
export async function announceStaffTyping(
  deps: { bus: ConversationBus; log: Logger },
  scope: ConversationScope,
  who: { name?: string | undefined; accountId?: string | undefined },
): Promise<void> {
  const { name, accountId } = who;
  // Best effort: the reply itself is what counts, and it is stored.
  const warn = (error: unknown) => deps.log.warn('could not announce staff typing', { sessionId: scope.sessionId, error: String(error) });
  await Promise.all([
    deps.bus.publish(conversationTopic(scope.tenantId, scope.sessionId), { kind: 'staff-typing', ...(name ? { name } : {}) }).catch(warn),
    deps.bus.publish(inboxTopic(scope.tenantId), { kind: 'inbox-typing', sessionId: scope.sessionId, ...(name ? { name } : {}), ...(accountId ? { accountId } : {}) }).catch(warn),
  ]);
}

import type { CustomerConversation } from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { listConversationSummaries } from '../conversations/read-models.js';
import { customerSessionIds } from '../conversations/session-identity.js';
import { signSessionToken } from '../auth/session-token.js';

const MAX_CONVERSATIONS = 50;

export type ConversationSummary = Omit<CustomerConversation, 'token'>;

/** The customer's conversations that have messages (a widget opened and left empty is not one). */
export async function customerConversationSummaries(db: Db, tenantId: string, customerId: string): Promise<ConversationSummary[]> {
  const ids = await customerSessionIds(db, tenantId, customerId, MAX_CONVERSATIONS);
  const summaries = ids.length ? await listConversationSummaries(db, tenantId, ids) : [];
  return summaries.filter((s) => s.messageCount > 0);
}

/**
 * The customer's conversations, each with a freshly signed session token: a verified customer on a
 * new device opens them exactly as the widget opens its own kept sessions.
 */
export async function customerConversations(
  deps: { db: Db; config: Config; now: () => Date },
  tenantId: string,
  customerId: string,
): Promise<CustomerConversation[]> {
  const summaries = await customerConversationSummaries(deps.db, tenantId, customerId);
  const expiresAt = new Date(deps.now().getTime() + deps.config.session.ttlSeconds * 1000);
  return summaries.map((s) => ({
    ...s,
    token: signSessionToken({ sessionId: s.sessionId, tenantId, expiresAt }, deps.config.session.secret),
  }));
}

import type { Db } from '../../src/db/db.js';
import { insertUserMessage } from '../../src/conversations/messages.js';
import { ALL_TOOLS, runToolCall } from '../../src/tools/registry.js';
import { silentLog } from './db.js';

/**
 * The agent proposes a handoff in the visitor's conversation, through the real tool (as the
 * answering pipeline would after the model called it). Returns the proposed escalation's id.
 */
export async function proposeByTool(
  t: { db: Db; tenant: { id: string } },
  v: { sessionId: string },
  reason = 'Needs a refund exception',
): Promise<string> {
  const question = await insertUserMessage(t.db, { tenantId: t.tenant.id, sessionId: v.sessionId, text: 'Can I get a refund after 60 days?' });
  const { outcome } = await runToolCall(ALL_TOOLS, { id: 'call_1', name: 'handoff_to_human', arguments: JSON.stringify({ reason }) }, {
    db: t.db,
    log: silentLog,
    tenantId: t.tenant.id,
    sessionId: v.sessionId,
    customerId: null,
    agentId: 'agt_test',
    userMessageId: question.id,
  });
  if (outcome.status !== 'needs-confirmation' || !outcome.handoff) throw new Error(`expected a proposal, got ${JSON.stringify(outcome)}`);
  return outcome.handoff.escalationId;
}

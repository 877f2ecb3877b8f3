import type { Agent } from '../agents/agent.js';
import type { Db } from '../db/db.js';
import type { AnsweringSeams } from './seams.js';
import type { RunState } from './run-state.js';

/** What the visitor reads when they asked for a person: honest, no promise of when. */
export const HANDOVER_TEXT =
  "I've asked our support team to join this conversation. A person will reply here as soon as they can.";

/**
 * The visitor explicitly asked for a human: an open escalation is filed (or their pending one is
 * confirmed) and they are told so. No answer model is called.
 */
export async function handOver(deps: { db: Db; seams: AnsweringSeams }, state: RunState, agent: Agent, question: string): Promise<void> {
  const { live } = state;
  const escalation = await deps.seams.createEscalation(deps.db, {
    tenantId: live.tenantId,
    sessionId: live.sessionId,
    messageId: live.userMessageId,
    reason: `The visitor asked for a person: "${question.slice(0, 200)}"`,
    source: 'classifier',
    status: 'open',
  });
  state.emitMeta({ answerer: 'extractive', grounded: false, agent: agent.name });
  state.openText();
  state.emitText(HANDOVER_TEXT);
  state.closeText();
  state.emit({ type: 'data-prex-handoff', data: { status: 'open', escalationId: escalation.id } });
}

import type { MessageStatus } from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { LiveAnswer } from '../chat/hub.js';
import { retrievePassages, type SearchFn } from '../chat/run-answer.js';
import { streamUnstoredAnswer } from '../chat/unstored-answer.js';
import type { CustomerFacts } from '../llm/answerer.js';
import type { Db } from '../db/db.js';
import type { Answerer } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { UsageRecorder } from '../usage/index.js';
import type { DraftTurns } from './conversation.js';

export interface DraftDeps {
  db: Db;
  log: Logger;
  answerer: Answerer;
  search: SearchFn;
  usage: UsageRecorder;
}

export interface DraftInput {
  turns: DraftTurns;
  agent: Agent;
  customer: CustomerFacts | null;
  instruction?: string | undefined;
}

/**
 * Writes one draft into `live` (which only carries it to the console's stream: it is in no hub
 * and never stored): the chunks of a visitor's answer — start, data-prex-meta, text-start,
 * text-delta…, text-end, the sources it cites, finish | abort | error — from the same retrieval
 * and answerer, with the agent's persona and the conversation, but no tools (a draft changes
 * nothing and looks nothing up on the visitor's behalf) and no classification or handoff. Model
 * calls are recorded as usage ('draft'). Ends `live`; never rejects.
 */
export function writeDraft(deps: DraftDeps, live: LiveAnswer, input: DraftInput): Promise<MessageStatus> {
  const { turns, agent } = input;
  return streamUnstoredAnswer(deps.log, live, { what: 'draft', agentName: agent.name }, async (state, signal) => {
    const { retrieval, passages } = await retrievePassages(deps, live.tenantId, { question: turns.question, history: turns.history, agent });
    return deps.answerer.answer({
      question: turns.question,
      passages,
      history: turns.history,
      retrieval,
      signal,
      agent,
      customer: input.customer,
      draft: { instruction: input.instruction },
      onModelCall: (report) => {
        const call = { tenantId: live.tenantId, agentId: agent.id, sessionId: live.sessionId, messageId: null, purpose: 'draft' as const };
        state.pendingWrites.push(deps.usage.record({ ...call, ...report }));
      },
    });
  });
}

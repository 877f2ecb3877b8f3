import type { MessageStatus } from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { LiveAnswer } from '../chat/hub.js';
import { ANSWER_FAILED_TEXT, retrievePassages, type SearchFn } from '../chat/run-answer.js';
import { RunState } from '../chat/run-state.js';
import type { CustomerFacts } from '../llm/answerer.js';
import type { Db } from '../db/db.js';
import { AnswerStalledError, type Answerer } from '../llm/index.js';
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
export async function writeDraft(deps: DraftDeps, live: LiveAnswer, input: DraftInput): Promise<MessageStatus> {
  const state = new RunState(live);
  const signal = live.controller.signal;
  const { turns, agent } = input;
  let status: Exclude<MessageStatus, 'streaming'>;
  try {
    state.emit({ type: 'start', messageId: live.messageId });
    const { retrieval, passages } = await retrievePassages(deps, live.tenantId, { question: turns.question, history: turns.history, agent });
    const answer = await deps.answerer.answer({
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
    state.answer = answer;
    state.emitMeta({ answerer: answer.answerer, grounded: answer.grounded, agent: agent.name });
    state.openText();
    for await (const part of answer.parts) {
      if (signal.aborted) break;
      if (part.type === 'text') state.emitText(part.delta);
    }
    state.closeText();
    state.emitSources();
    status = signal.aborted ? 'stopped' : 'complete';
    state.emit(signal.aborted ? { type: 'abort', reason: String(signal.reason ?? 'stopped') } : { type: 'finish', finishReason: 'stop' });
  } catch (error) {
    deps.log.error('draft failed', { draftId: live.messageId, error: error instanceof Error ? error.stack : String(error) });
    state.closeText();
    status = 'error';
    state.emit({ type: 'error', errorText: error instanceof AnswerStalledError ? error.userMessage : ANSWER_FAILED_TEXT });
  }
  await Promise.allSettled(state.pendingWrites);
  live.end(status);
  return status;
}

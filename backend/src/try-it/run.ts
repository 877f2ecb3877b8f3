import type { MessageStatus } from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { LiveAnswer } from '../chat/hub.js';
import { ANSWER_FAILED_TEXT, retrievePassages, type SearchFn } from '../chat/run-answer.js';
import { RunState } from '../chat/run-state.js';
import type { Db } from '../db/db.js';
import { AnswerStalledError, type Answerer, type PriorTurn } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { UsageRecorder } from '../usage/index.js';
import { tryItToolbox } from './toolbox.js';

export interface TryItDeps {
  db: Db;
  log: Logger;
  answerer: Answerer;
  search: SearchFn;
  usage: UsageRecorder;
}

export interface TryItInput {
  agent: Agent;
  question: string;
  history: PriorTurn[];
}

/**
 * Writes one try-it answer into `live` (which only carries it to the console's stream: it is in no
 * hub and never stored). The widget's answer path minus what belongs to a real conversation: the
 * same retrieval (the agent's switch and knowledge filter), answerer, persona, instructions, model,
 * temperature and tools (write tools simulated, see toolbox.ts), in the same chunks — start,
 * data-prex-meta, text-start, text-delta… with data-prex-tool, text-end, sources, finish | abort |
 * error. No classification (it labels a stored message) and no handoff; nothing is written to
 * sessions, messages or analytics. Model calls are recorded as usage (llm_calls, purpose 'try-it',
 * no session). Ends `live`; never rejects.
 */
export async function runTryIt(deps: TryItDeps, live: LiveAnswer, input: TryItInput): Promise<MessageStatus> {
  const state = new RunState(live);
  const signal = live.controller.signal;
  const { agent } = input;
  let status: Exclude<MessageStatus, 'streaming'>;
  try {
    state.emit({ type: 'start', messageId: live.messageId });
    const { retrieval, passages } = await retrievePassages(deps, live.tenantId, input);
    const toolContext = { db: deps.db, log: deps.log, tenantId: live.tenantId, sessionId: live.sessionId, customerId: null, agentId: agent.id, userMessageId: live.userMessageId };
    const tools = deps.answerer.kind === 'llm' ? tryItToolbox(agent, toolContext) : undefined;
    const answer = await deps.answerer.answer({
      question: input.question,
      passages,
      history: input.history,
      retrieval,
      signal,
      agent,
      customer: null,
      ...(tools ? { tools } : {}),
      onModelCall: (report) => {
        const call = { tenantId: live.tenantId, agentId: agent.id, sessionId: null, messageId: null, purpose: 'try-it' as const };
        state.pendingWrites.push(deps.usage.record({ ...call, ...report }));
      },
    });
    state.answer = answer;
    state.emitMeta({ answerer: answer.answerer, grounded: answer.grounded, agent: agent.name });
    state.openText();
    for await (const part of answer.parts) {
      if (signal.aborted) break;
      if (part.type === 'text') state.emitText(part.delta);
      else state.emit({ type: 'data-prex-tool', data: { id: part.record.id, name: part.record.name, status: part.record.status } });
    }
    state.closeText();
    state.emitSources();
    status = signal.aborted ? 'stopped' : 'complete';
    state.emit(signal.aborted ? { type: 'abort', reason: String(signal.reason ?? 'stopped') } : { type: 'finish', finishReason: 'stop' });
  } catch (error) {
    deps.log.error('try-it answer failed', { tryId: live.messageId, error: error instanceof Error ? error.stack : String(error) });
    state.closeText();
    status = 'error';
    state.emit({ type: 'error', errorText: error instanceof AnswerStalledError ? error.userMessage : ANSWER_FAILED_TEXT });
  }
  await Promise.allSettled(state.pendingWrites);
  live.end(status);
  return status;
}

import type { MessageStatus } from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { LiveAnswer } from '../chat/hub.js';
import { retrievePassages, type SearchFn } from '../chat/run-answer.js';
import { streamUnstoredAnswer } from '../chat/unstored-answer.js';
import type { Db } from '../db/db.js';
import type { Answerer, PriorTurn } from '../llm/index.js';
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
export function runTryIt(deps: TryItDeps, live: LiveAnswer, input: TryItInput): Promise<MessageStatus> {
  const { agent } = input;
  return streamUnstoredAnswer(deps.log, live, { what: 'try-it answer', agentName: agent.name }, async (state, signal) => {
    const { retrieval, passages } = await retrievePassages(deps, live.tenantId, input);
    const toolContext = { db: deps.db, log: deps.log, tenantId: live.tenantId, sessionId: live.sessionId, customerId: null, agentId: agent.id, userMessageId: live.userMessageId };
    const tools = deps.answerer.kind === 'llm' ? tryItToolbox(agent, toolContext) : undefined;
    return deps.answerer.answer({
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
  });
}

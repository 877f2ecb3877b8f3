import type { Citation, MessageStatus } from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CustomerProfile } from '../customers/profile.js';
import type { Passage } from '../knowledge/passage.js';
import { classifyByRules } from '../classification/rules.js';
import { followUpContext } from '../knowledge/search/follow-up.js';
import { AnswerStalledError, type Answer, type Answerer, type AnswerPart, type ModelCallReport, type PriorTurn } from '../llm/answerer.js';
import type { AnswerHub, LiveAnswer } from './hub.js';
import { handOver } from './handover.js';
import { finishAssistantMessage } from '../conversations/messages.js';
import { RunState } from './run-state.js';
import type { AnsweringSeams } from './seams.js';
import { toolboxFor } from './toolbox.js';
import { traceAnswerStream, traceRetrieval } from '../telemetry/spans.js';

export { TEXT_PART_ID } from './run-state.js';

/** Retrieval as the run needs it (the knowledge module's searchPassages fits). */
export type SearchFn = (
  db: Db,
  tenantId: string,
  query: string,
  options: { limit: number; tags?: readonly string[]; context?: string },
) => Promise<Passage[]>;

export interface RunDeps {
  db: Db;
  hub: AnswerHub;
  answerer: Answerer;
  search: SearchFn;
  log: Logger;
  seams: AnsweringSeams;
  /** Answer latencies (first text, done); none in tests that do not look. */
  metrics?: Metrics | undefined;
}

export interface RunInput {
  question: string;
  history: PriorTurn[];
  /** The agent answering, resolved before the messages were stored. */
  agent: Agent;
  /** Retrieval already started (while the messages were being stored); absent: the run searches. */
  retrieved?: Promise<Retrieved> | undefined;
  /** The session's customer, read with the agent; absent: the run reads it when its answerer needs it. */
  customer?: Promise<CustomerProfile | null> | undefined;
  /** The tenant's image hosts: an answer may show images from these (the widget's channel only). */
  imageHosts?: readonly string[] | undefined;
}

/** What retrieval found for a question, and whether the agent retrieves at all. */
export type Retrieved = { retrieval: boolean; passages: Passage[] };

/** How many passages retrieval hands to the answerer. */
export const RETRIEVAL_LIMIT = 5;
/** What a client sees when an answer fails; details stay in the server log. */
export const ANSWER_FAILED_TEXT = 'Sorry, something went wrong while answering. Please try again.';

/** Reasons passed to AbortController.abort(), echoed in the `abort` chunk. */
export const STOP_REASON = { user: 'stopped by user', shutdown: 'server shutting down' } as const;

/**
 * Classifies the question. The label is stored with the answer's final state (persist below), so
 * writing it costs no round trip before the answer's first words.
 */
async function classify(deps: RunDeps, state: RunState, input: RunInput): Promise<void> {
  const { live } = state;
  const classification = await deps.seams.classifier.classify(input.question, {
    tenantId: live.tenantId,
    agentId: input.agent.id,
    sessionId: live.sessionId,
    messageId: live.userMessageId,
    signal: live.controller.signal,
    // A model's label is recorded as usage after the answer's first words, before its [DONE].
    recordLater: (write) => state.pendingWrites.push(write),
  });
  state.label = classification.label;
  state.labelSource = classification.source;
}

/** Records a model call of this answer as a usage row (written beside the final write, awaited before [DONE]). */
function usageReporter(deps: RunDeps, state: RunState, agent: Agent): (report: ModelCallReport) => void {
  const { live } = state;
  return (report) => {
    const call = { tenantId: live.tenantId, agentId: agent.id, sessionId: live.sessionId, messageId: live.messageId, purpose: 'answer' as const };
    state.pendingWrites.push(deps.seams.usage.record({ ...call, ...report }));
  };
}

/**
 * The passages an answer to `input.question` draws on, searched as the agent may (its own
 * retrieval switch, the tenant-level one of older releases now living on the default agent, and
 * its knowledge filter). The console's drafts retrieve the same way.
 */
export async function retrievePassages(
  deps: { db: Db; search: SearchFn },
  tenantId: string,
  input: Pick<RunInput, 'question' | 'history' | 'agent'>,
): Promise<Retrieved> {
  const retrieval = input.agent.retrieval;
  if (!retrieval) return { retrieval, passages: [] };
  const tags = input.agent.knowledgeFilter.tags;
  // A follow-up ("and how long does that take?") also searches the previous question's words; a
  // request for a person ("I want to talk to a human") names no topic to lean on.
  const context = followUpContext(input.question, input.history, (text) => classifyByRules(text) !== 'human_request');
  const options = { limit: RETRIEVAL_LIMIT, ...(tags.length ? { tags } : {}), ...(context ? { context } : {}) };
  const passages = await traceRetrieval(tenantId, options, () => deps.search(deps.db, tenantId, input.question, options));
  return { retrieval, passages };
}

/** Asks the answerer, with everything the agent knows for this conversation. */
async function startAnswer(deps: RunDeps, state: RunState, input: RunInput): Promise<Answer> {
  const { live } = state;
  const { retrieval, passages } = await (input.retrieved ?? retrievePassages(deps, live.tenantId, input));
  // Only a model's prompt and tools use the customer: the extractive answerer does not wait for it.
  const customer = deps.answerer.kind !== 'llm' ? null : await (input.customer ?? deps.seams.customerOfSession(deps.db, live.tenantId, live.sessionId));
  // The extractive answerer calls no tools: don't build their schemas for it.
  const tools = deps.answerer.kind !== 'llm' ? undefined : toolboxFor(deps.seams, input.agent, {
    db: deps.db,
    log: deps.log,
    tenantId: live.tenantId,
    sessionId: live.sessionId,
    customerId: customer?.id ?? null,
    agentId: input.agent.id,
    userMessageId: live.userMessageId,
  });
  return deps.answerer.answer({
    question: input.question,
    passages,
    history: input.history,
    retrieval,
    signal: live.controller.signal,
    agent: input.agent,
    customer,
    ...(input.imageHosts?.length ? { imageHosts: input.imageHosts } : {}),
    ...(tools ? { tools } : {}),
    onModelCall: usageReporter(deps, state, input.agent),
  });
}

/** A tool call as the visitor's stream shows it; a proposed handoff also asks for their confirmation. */
function emitToolPart(state: RunState, part: Extract<AnswerPart, { type: 'tool' }>): void {
  state.toolCalls.push(part.record);
  state.emit({ type: 'data-prex-tool', data: { id: part.record.id, name: part.record.name, status: part.record.status } });
  const { outcome } = part;
  if (outcome.status === 'needs-confirmation' && outcome.handoff) {
    state.handoffProposed = true;
    state.emit({ type: 'data-prex-handoff', data: { status: 'proposed', ...outcome.handoff } });
  }
}

async function streamAnswer(deps: RunDeps, state: RunState, input: RunInput): Promise<void> {
  const { live } = state;
  const signal = live.controller.signal;
  state.emit({ type: 'start', messageId: live.messageId });
  await classify(deps, state, input);
  // Stopped while being classified: nothing more is done on the visitor's behalf.
  if (signal.aborted) return;
  if (state.label === 'human_request') return handOver({ db: deps.db, seams: deps.seams }, state, input.agent, input.question);

  const answer = await startAnswer(deps, state, input);
  state.answer = answer;
  state.emitMeta({ answerer: answer.answerer, grounded: answer.grounded, agent: input.agent.name });
  state.openText();
  for await (const part of answer.parts) {
    if (signal.aborted) break;
    if (part.type === 'text') state.emitText(part.delta);
    else emitToolPart(state, part);
  }
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : STOP_REASON.user;
}

/**
 * Runs one answer to the end: classification (a request for a person hands over without a model
 * call), retrieval with the agent's filter, answering with its persona and tools, the chunk
 * sequence of the wire contract (start, data-prex-meta, text-start, text-delta… with
 * data-prex-tool / data-prex-handoff where they happen, text-end, sources, data-prex-handoff
 * 'offered' when nothing was found, finish | abort | error), then usage rows and persistence,
 * then the hub lets go of it. Nothing here knows about HTTP: a client that disconnects only
 * unsubscribes; the answer stops only when its AbortController is aborted. Never rejects.
 */
export async function runAnswer(deps: RunDeps, live: LiveAnswer, input: RunInput): Promise<MessageStatus> {
  const metrics = deps.metrics;
  const state = new RunState(live, metrics && ((s) => metrics.answerFirstText.observe({ answerer: s.answerer ?? 'none' }, s.secondsSinceStart())));
  const signal = live.controller.signal;
  let status: Exclude<MessageStatus, 'streaming'>;
  let sources: Citation[] = [];
  deps.log.prompt('question', { messageId: live.userMessageId, text: input.question });
  try {
    await traceAnswerStream(() => streamAnswer(deps, state, input), () => ({ answerer: state.answerer, textChars: live.textSoFar.length, toolCalls: state.toolCalls.length }));
    state.closeText();
    sources = state.emitSources();
    if (state.answer?.unanswered() && !state.handoffProposed && !signal.aborted) state.emit({ type: 'data-prex-handoff', data: { status: 'offered' } });
    status = signal.aborted ? 'stopped' : 'complete';
    state.emit(signal.aborted ? { type: 'abort', reason: abortReason(signal) } : { type: 'finish', finishReason: 'stop' });
  } catch (error) {
    deps.log.error('answer failed', { messageId: live.messageId, error: error instanceof Error ? error.stack : String(error) });
    state.closeText();
    // Text already shown keeps its markers meaningful, so its sources still go out.
    sources = safely(() => state.emitSources(), []);
    status = 'error';
    state.emit({ type: 'error', errorText: error instanceof AnswerStalledError ? error.userMessage : ANSWER_FAILED_TEXT });
  }
  // The visitor saw the end here; persistence below is the server's own time.
  metrics?.answerDuration.observe({ status }, state.secondsSinceStart());
  deps.log.prompt('answer', { messageId: live.messageId, status, text: live.textSoFar });
  // [DONE] goes out only after these: history read anywhere after it shows the final state, and
  // the answer's usage rows are there. They do not depend on each other: written side by side.
  const [stored] = await Promise.all([persist(deps, state, { status, sources }), Promise.allSettled(state.pendingWrites)]);
  deps.hub.finish(live, status, { stored });
  return status;
}

function safely<T>(work: () => T, fallback: T): T {
  try {
    return work();
  } catch {
    return fallback;
  }
}

/**
 * Stores the answer's final state and the question's label in one statement; true once committed.
 * On failure the streams still end; the row stays 'streaming' and is settled as an orphan when next read.
 */
async function persist(deps: RunDeps, state: RunState, outcome: { status: Exclude<MessageStatus, 'streaming'>; sources: Citation[] }): Promise<boolean> {
  const { live } = state;
  try {
    await finishAssistantMessage(deps.db, {
      tenantId: live.tenantId,
      messageId: live.messageId,
      text: live.textSoFar,
      sources: outcome.sources,
      status: outcome.status,
      events: [...live.chunks],
      answerer: state.answerer,
      toolCalls: state.toolCalls,
      questionLabel: state.label && state.labelSource ? { messageId: live.userMessageId, label: state.label, source: state.labelSource } : undefined,
    });
    return true;
  } catch (error) {
    deps.log.error('could not persist answer', { messageId: live.messageId, error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

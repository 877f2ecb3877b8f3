import { citationToSourceChunk, type Citation, type MessageStatus, type UIStreamChunk } from '@prex/protocol';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { Passage } from '../knowledge/passage.js';
import { retrievalEnabled } from '../knowledge/search/settings.js';
import type { Answer, Answerer, PriorTurn } from '../llm/answerer.js';
import { passageToCitation } from '../llm/citations.js';
import type { AnswerHub, LiveAnswer } from './hub.js';
import { finishAssistantMessage } from './repository.js';

/** Retrieval as the run needs it (the knowledge module's searchPassages fits). */
export type SearchFn = (db: Db, tenantId: string, query: string, options: { limit: number }) => Promise<Passage[]>;

export interface RunDeps {
  db: Db;
  hub: AnswerHub;
  answerer: Answerer;
  search: SearchFn;
  log: Logger;
}

export interface RunInput {
  question: string;
  history: PriorTurn[];
}

/** How many passages retrieval hands to the answerer. */
export const RETRIEVAL_LIMIT = 5;
/** The one text part of an answer. */
export const TEXT_PART_ID = 't0';
/** What a client sees when an answer fails; details stay in the server log. */
export const ANSWER_FAILED_TEXT = 'Sorry, something went wrong while answering. Please try again.';

/** Reasons passed to AbortController.abort(), echoed in the `abort` chunk. */
export const STOP_REASON = { user: 'stopped by user', shutdown: 'server shutting down' } as const;

/** The state of one run, so a failure at any step can close the stream consistently. */
class RunState {
  textOpen = false;
  answer: Answer | undefined;

  constructor(readonly live: LiveAnswer) {}

  emit(chunk: UIStreamChunk): void {
    this.live.append(chunk);
  }

  openText(): void {
    this.emit({ type: 'text-start', id: TEXT_PART_ID });
    this.textOpen = true;
  }

  closeText(): void {
    if (!this.textOpen) return;
    this.emit({ type: 'text-end', id: TEXT_PART_ID });
    this.textOpen = false;
  }

  /** Sources of what was actually streamed; emitted once, after the text. */
  emitSources(): Citation[] {
    const citations = (this.answer?.citedPassages() ?? []).map(passageToCitation);
    for (const citation of citations) this.emit(citationToSourceChunk(citation));
    return citations;
  }
}

async function streamAnswer(deps: RunDeps, state: RunState, input: RunInput): Promise<void> {
  const { live } = state;
  const signal = live.controller.signal;
  state.emit({ type: 'start', messageId: live.messageId });
  // The tenant's retrieval switch (tenants.agent.retrieval): off means a plain chat with the model.
  const retrieval = await retrievalEnabled(deps.db, live.tenantId);
  const passages = retrieval ? await deps.search(deps.db, live.tenantId, input.question, { limit: RETRIEVAL_LIMIT }) : [];
  const answer = await deps.answerer.answer({ question: input.question, passages, history: input.history, retrieval, signal });
  state.answer = answer;
  state.emit({
    type: 'data-prex-meta',
    data: { sessionId: live.sessionId, userMessageId: live.userMessageId, answerer: answer.answerer, grounded: answer.grounded },
  });
  state.openText();
  for await (const delta of answer.deltas) {
    if (signal.aborted) break;
    if (delta) state.emit({ type: 'text-delta', id: TEXT_PART_ID, delta });
  }
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : STOP_REASON.user;
}

/**
 * Runs one answer to the end: retrieval, answering, the chunk sequence of the wire contract
 * (start, data-prex-meta, text-start, text-delta…, text-end, sources, finish | abort | error),
 * then persistence, then the hub lets go of it. Nothing here knows about HTTP: a client that
 * disconnects only unsubscribes; the answer stops only when its AbortController is aborted.
 * Never rejects.
 */
export async function runAnswer(deps: RunDeps, live: LiveAnswer, input: RunInput): Promise<MessageStatus> {
  const state = new RunState(live);
  const signal = live.controller.signal;
  let status: Exclude<MessageStatus, 'streaming'>;
  let sources: Citation[] = [];
  try {
    await streamAnswer(deps, state, input);
    state.closeText();
    sources = state.emitSources();
    status = signal.aborted ? 'stopped' : 'complete';
    state.emit(signal.aborted ? { type: 'abort', reason: abortReason(signal) } : { type: 'finish', finishReason: 'stop' });
  } catch (error) {
    deps.log.error('answer failed', { messageId: live.messageId, error: error instanceof Error ? error.stack : String(error) });
    state.closeText();
    // Text already shown keeps its markers meaningful, so its sources still go out.
    sources = safely(() => state.emitSources(), []);
    status = 'error';
    state.emit({ type: 'error', errorText: ANSWER_FAILED_TEXT });
  }
  await persist(deps, live, { status, sources, answerer: state.answer?.answerer ?? null });
  deps.hub.finish(live, status);
  return status;
}

function safely<T>(work: () => T, fallback: T): T {
  try {
    return work();
  } catch {
    return fallback;
  }
}

async function persist(
  deps: RunDeps,
  live: LiveAnswer,
  outcome: { status: Exclude<MessageStatus, 'streaming'>; sources: Citation[]; answerer: Answer['answerer'] | null },
): Promise<void> {
  try {
    await finishAssistantMessage(deps.db, {
      tenantId: live.tenantId,
      messageId: live.messageId,
      text: live.textSoFar,
      sources: outcome.sources,
      status: outcome.status,
      events: [...live.chunks],
      answerer: outcome.answerer,
    });
  } catch (error) {
    // The streams still end; the row stays 'streaming' and is settled as an orphan when next read.
    deps.log.error('could not persist answer', { messageId: live.messageId, error: error instanceof Error ? error.message : String(error) });
  }
}

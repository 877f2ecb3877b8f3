import type { MessageStatus } from '@prex/protocol';
import { AnswerStalledError, type Answer } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { LiveAnswer } from './hub.js';
import { ANSWER_FAILED_TEXT } from './run-answer.js';
import { RunState } from './run-state.js';

/**
 * Streams an answer that only staff see and nothing stores (a copilot draft, an agent's try-it)
 * into `live`, in the chunks of a visitor's answer: start, data-prex-meta, text-start,
 * text-delta… (data-prex-tool as tools run), text-end, the sources it cites, then finish | abort |
 * error. `produce` retrieves and asks the answerer, recording its model calls in
 * `state.pendingWrites`; they are awaited before `live` ends. Never rejects.
 */
export async function streamUnstoredAnswer(
  log: Logger,
  live: LiveAnswer,
  run: { what: string; agentName: string },
  produce: (state: RunState, signal: AbortSignal) => Promise<Answer>,
): Promise<MessageStatus> {
  const state = new RunState(live);
  const signal = live.controller.signal;
  let status: Exclude<MessageStatus, 'streaming'>;
  try {
    state.emit({ type: 'start', messageId: live.messageId });
    const answer = await produce(state, signal);
    state.answer = answer;
    state.emitMeta({ answerer: answer.answerer, grounded: answer.grounded, agent: run.agentName });
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
    log.error(`${run.what} failed`, { runId: live.messageId, error: error instanceof Error ? error.stack : String(error) });
    state.closeText();
    status = 'error';
    state.emit({ type: 'error', errorText: error instanceof AnswerStalledError ? error.userMessage : ANSWER_FAILED_TEXT });
  }
  await Promise.allSettled(state.pendingWrites);
  live.end(status);
  return status;
}

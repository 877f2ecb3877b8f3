import type { Answerer as AnswererKind } from '@prex/protocol';
import type { Passage } from '../knowledge/passage.js';

/** One earlier message of the conversation, oldest first. */
export interface PriorTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface AnswerRequest {
  question: string;
  /** Retrieved passages, best first; the answerer decides which are relevant enough to use. */
  passages: Passage[];
  history: PriorTurn[];
  /**
   * False when the tenant turned retrieval off: a plain chat with the model, no passages and no
   * citations. Default true (answers grounded in the knowledge base).
   */
  retrieval?: boolean;
  /** Aborted when the user stops the answer (or the server shuts down). */
  signal: AbortSignal;
}

/** An answer that has committed to a strategy and is ready to stream. */
export interface Answer {
  answerer: AnswererKind;
  /** False when the knowledge base had nothing relevant and the answer says so. */
  grounded: boolean;
  /**
   * The answer's text in small pieces. Ends early (without throwing) when the signal aborts;
   * throws when the provider fails after text has started.
   */
  deltas: AsyncIterable<string>;
  /**
   * Passages cited by the text streamed so far, in marker order: the n-th passage is what `[n]`
   * in the text refers to. Complete once `deltas` is exhausted.
   */
  citedPassages(): Passage[];
}

/**
 * Turns a question and retrieved passages into a streamed, cited answer. `answer` resolves once
 * the strategy is settled (e.g. the model produced its first token, or we fell back), so the
 * caller can announce which answerer is speaking before any text.
 */
export interface Answerer {
  readonly kind: AnswererKind;
  answer(request: AnswerRequest): Promise<Answer>;
}

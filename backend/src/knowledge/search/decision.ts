import type { Passage } from '../passage.js';

/**
 * The answer/decline decision, made once on the search side for every answerer (extractive and
 * model): each passage's `score` is a confidence in [0, 1] that it answers the question, and a
 * passage grounds an answer when the score reaches ANSWER_THRESHOLD. None does: the answerer
 * declines ("I couldn't find that"), whatever it is.
 *
 * What it weighs, for the question against one chunk (lexical.ts, passageSignals): idfCoverage,
 * the share of the question's information the chunk holds. Each topic word of the question weighs
 * its idf in the tenant's knowledge base, and a word the knowledge base never uses ("tyre",
 * "recipe") weighs the most, so an off-domain question that shares one ordinary word with a page
 * stays low while "refund … annual plan" found whole scores high. A word found through a
 * paraphrase ("money back" → refund) or an earlier turn a follow-up leans on counts at that word's
 * lower weight; framing filler ("want", "need", question-words.ts) not at all.
 *
 * A logistic model over it, fitted on the FeedbackQA train splits only: the relevant passage of
 * each train question (answerable) against every passage retrieved for questions the knowledge
 * base does not answer (train questions asked of the other country's help center, of a knowledge
 * base built without their passages, and of an unrelated help center). The intercept is then
 * moved so that 0.5 sits at the operating point: 88% of the train questions answered, i.e. a
 * passage must hold about half of the question's information (idfCoverage ≥ 0.506). Proximity
 * (ts_rank_cd) helped on train's long questions but sank short ones on a small knowledge base
 * ("forgot my password" at 0.49 with every word found), so it is not in the model.
 * The procedure and the figures are in docs/retrieval.md.
 */

export interface AnswerSignals {
  /** Share of the question's idf-weighted topic words found in the chunk, in [0, 1]. */
  idfCoverage: number;
}

/** Coefficients of the logistic model, intercept placed at the operating point (see above). */
export const DECISION_MODEL = { intercept: -2.179, idfCoverage: 4.306 } as const;

/** A passage grounds an answer at or above this score. */
export const ANSWER_THRESHOLD = 0.5;

/** The confidence that a chunk with these signals answers the question, in [0, 1]. */
export function answerConfidence(s: AnswerSignals): number {
  const z = DECISION_MODEL.intercept + DECISION_MODEL.idfCoverage * s.idfCoverage;
  return 1 / (1 + Math.exp(-z));
}

/** The passages that ground an answer, in the search's order; empty means decline. */
export function answeringPassages<P extends Pick<Passage, 'score'>>(passages: readonly P[], threshold = ANSWER_THRESHOLD): P[] {
  return passages.filter((p) => p.score >= threshold);
}

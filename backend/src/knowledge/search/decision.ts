import type { Passage } from '../passage.js';

/**
 * The answer/decline decision, made once on the search side for every answerer (extractive and
 * model): each passage's `score` is a confidence in [0, 1] that it answers the question, and a
 * passage grounds an answer when the score reaches ANSWER_THRESHOLD. None does: the answerer
 * declines ("I couldn't find that"), whatever it is.
 *
 * What it weighs, for the question against one chunk (lexical.ts, passageSignals), both shares of
 * the question's information, each topic word weighing its idf in the tenant's knowledge base (a
 * word the knowledge base never uses, "tyre", "recipe", weighs the most):
 * - idfCoverage: the share the chunk holds anywhere (title, heading path, body);
 * - headingCoverage: the share its document title and heading path hold. A help center's pages
 *   and sections are about what their headings say: "Gym memberships" answers a gym question,
 *   a page that mentions a gym in passing does not. An off-domain question that shares a few
 *   ordinary words with a page ("check engine light" → "check the light in the science kit")
 *   finds them in its body, not in what the page is about.
 * A word found through a paraphrase ("money back" → refund) or an earlier turn a follow-up leans
 * on counts at that word's lower weight; framing filler ("want", "need", question-words.ts) not at all.
 *
 * A logistic model over the two, fitted on the FeedbackQA train splits only: the relevant passage
 * of each train question (answerable) against every passage retrieved for everyday questions no
 * public-health FAQ answers (a set written for calibration, not the shared off-domain file). The
 * intercept is then moved so that 0.5 sits at the operating point: 88% of the train questions
 * answered. A passage found whole in its body (no heading word) needs ~80% of the question's
 * information; half of it in the heading path, about as much again in the body. Proximity
 * (ts_rank_cd) sank short questions on a small knowledge base, so it is not in the model.
 * The procedure and the figures are in docs/retrieval.md.
 */

export interface AnswerSignals {
  /** Share of the question's idf-weighted topic words found in the chunk, in [0, 1]. */
  idfCoverage: number;
  /** Share of them found in the chunk's document title or heading path, in [0, 1]. */
  headingCoverage: number;
}

/** Coefficients of the logistic model, intercept placed at the operating point (see above). */
export const DECISION_MODEL = { intercept: -4.852, idfCoverage: 6.052, headingCoverage: 6.202 } as const;

/** A passage grounds an answer at or above this score. */
export const ANSWER_THRESHOLD = 0.5;

/** The confidence that a chunk with these signals answers the question, in [0, 1]. */
export function answerConfidence(s: AnswerSignals): number {
  const z = DECISION_MODEL.intercept + DECISION_MODEL.idfCoverage * s.idfCoverage + DECISION_MODEL.headingCoverage * s.headingCoverage;
  return 1 / (1 + Math.exp(-z));
}

/** The passages that ground an answer, in the search's order; empty means decline. */
export function answeringPassages<P extends Pick<Passage, 'score'>>(passages: readonly P[], threshold = ANSWER_THRESHOLD): P[] {
  return passages.filter((p) => p.score >= threshold);
}

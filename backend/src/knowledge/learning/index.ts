import type { Citation } from '@prex/protocol';
import { answeredQuestion } from '../../conversations/answered-question.js';
import type { Db } from '../../db/db.js';
import { isFollowUp } from '../search/follow-up.js';
import { forgetSource, replaceLearned, type LearnedTarget } from './store.js';

/**
 * Learning from answers that worked (docs/retrieval.md, "Learned questions"): a question answered
 * well is attached to the passages that answered it and searched as a lower-weight field of them
 * (knowledge/search/lexical.ts). The doc2query idea, fed by real traffic instead of a model.
 *
 * - An answer the visitor rated up, or staff marked good, teaches its question to the passages it
 *   cited; one rated down teaches nothing (a rate-down after a rate-up removes what it taught).
 * - A staff reply saved as a solution teaches the visitor's wording to the solution.
 * - Deleting the source (the answer, its conversation, the customer's data, the solution) deletes
 *   what it taught: the database's cascades (migration 036), whatever path deletes it.
 */

export { anchorLearnedQuestions, listLearned, type LearnedSource, type LearnedQuestion } from './store.js';

/** A question that only points back at the conversation ("and on Android?") says nothing on its own. */
function learnable(question: string | undefined): question is string {
  return question !== undefined && question.trim() !== '' && !isFollowUp(question);
}

/** The cited passages as targets: the chunk cited, in its document. */
function targetsOf(sources: readonly Citation[]): LearnedTarget[] {
  return sources.filter((s) => typeof s.documentId === 'string').map((s) => ({ documentId: s.documentId, chunkId: s.sourceId }));
}

/**
 * Brings what the answer `messageId` teaches up to date with what was said about it (call after
 * its rating or its "good" mark changed). Idempotent.
 */
export async function learnFromAnswer(db: Db, tenantId: string, messageId: string): Promise<void> {
  const answer = await answeredQuestion(db, tenantId, messageId);
  if (!answer) return;
  const teaches = answer.complete && answer.rating !== 'down' && learnable(answer.question) && answer.sources.length > 0;
  const targets = targetsOf(answer.sources);
  for (const [kind, said] of [['rated_up', answer.rating === 'up'], ['marked_good', answer.markedGood]] as const) {
    const source = { kind, id: messageId };
    if (teaches && said) await replaceLearned(db, tenantId, source, answer.question!, targets);
    else await forgetSource(db, tenantId, source);
  }
}

/**
 * A solution saved from a staff reply teaches the visitor's own wording (`askedAs`) to the
 * solution's document, when it differs from the solution's question (that one is its title already).
 */
export async function learnFromSolution(db: Db, tenantId: string, solution: { id: string; documentId: string; question: string }, askedAs: string | undefined): Promise<void> {
  const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();
  const source = { kind: 'solution' as const, id: solution.id };
  if (!learnable(askedAs) || same(askedAs, solution.question)) return forgetSource(db, tenantId, source);
  await replaceLearned(db, tenantId, source, askedAs, [{ documentId: solution.documentId }]);
}

/**
 * An agent eval case that passed teaches its question to the documents it expects cited. The
 * case's name is its source: running the file again replaces what it taught.
 */
export async function learnFromEvalCase(db: Db, tenantId: string, evalCase: { name: string; question: string; documentIds: readonly string[] }): Promise<void> {
  await replaceLearned(db, tenantId, { kind: 'eval_case', id: evalCase.name }, evalCase.question, evalCase.documentIds.map((documentId) => ({ documentId })));
}

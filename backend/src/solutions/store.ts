import type { Solution } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { deleteDocument, upsertDocument } from '../knowledge/ingest.js';
import { learnFromSolution } from '../knowledge/learning/index.js';
import { chunkIdsOf } from '../knowledge/repository.js';
import type { Logger } from '../logger.js';
import { solutionDocument, solutionExternalId } from './document.js';
import { findSolution, insertSolution, updateSolution } from './repository.js';

/**
 * Solutions' use cases. A solution and its knowledge-base document change in one transaction, so
 * search never answers with a solution's old text once the edit is saved, nor with a deleted one.
 * Embeddings (where the vector channel is on) are computed after the commit, like every ingest's.
 */

export interface SolutionStoreDeps {
  db: Db;
  log: Logger;
  /** After a commit: the embedding step of the document's chunks (knowledge/search's indexChunkEmbeddings). */
  indexChunks: (db: Db, tenantId: string, chunkIds: string[]) => Promise<void>;
}

type Scope = { tenantId: string; staffId: string };

/**
 * `askedAs`: the visitor's own wording when the solution is saved from a staff reply; learned for
 * the solution when staff phrased the question differently (knowledge/learning/).
 */
export async function createSolution(
  deps: SolutionStoreDeps,
  scope: Scope,
  input: { question: string; answer: string; sessionId: string | null; askedAs?: string | undefined },
): Promise<Solution> {
  const id = newId('sol');
  const { askedAs, ...text } = input;
  const solution = await deps.db.transaction(async (tx) => {
    const { documentId } = await upsertDocument(tx, scope.tenantId, solutionDocument(id, text));
    const saved = await insertSolution(tx, { id, tenantId: scope.tenantId, ...text, documentId, staffId: scope.staffId });
    await learnFromSolution(tx, scope.tenantId, saved, askedAs);
    return saved;
  });
  await indexAfterCommit(deps, scope.tenantId, solution);
  return solution;
}

/** A new version with the changed fields; undefined when there is no such solution. Unchanged text makes no version. */
export async function editSolution(deps: SolutionStoreDeps, scope: Scope, id: string, change: { question?: string | undefined; answer?: string | undefined }): Promise<Solution | undefined> {
  const edited = await deps.db.transaction(async (tx) => {
    const current = await findSolution(tx, scope.tenantId, id, { forUpdate: true });
    if (!current) return undefined;
    const text = { question: change.question ?? current.question, answer: change.answer ?? current.answer };
    if (text.question === current.question && text.answer === current.answer) return { solution: current, changed: false };
    await upsertDocument(tx, scope.tenantId, solutionDocument(id, text));
    return { solution: (await updateSolution(tx, { ...scope, id }, text))!, changed: true };
  });
  if (edited?.changed) await indexAfterCommit(deps, scope.tenantId, edited.solution);
  return edited?.solution;
}

/** Deletes the solution, its versions and its document (out of search at once); false when there was none. */
export async function removeSolution(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query('delete from solutions where tenant_id = $1 and id = $2 returning id', [tenantId, id]);
    if (rows.length === 0) return false;
    await deleteDocument(tx, tenantId, solutionExternalId(id));
    return true;
  });
}

/** The solution is searchable lexically already; a failing embeddings endpoint is caught up later (embedMissingChunks). */
async function indexAfterCommit(deps: SolutionStoreDeps, tenantId: string, solution: Solution): Promise<void> {
  try {
    await deps.indexChunks(deps.db, tenantId, await chunkIdsOf(deps.db, tenantId, solution.documentId));
  } catch (error) {
    deps.log.warn('could not embed a solution; it is searched lexically until its chunks are embedded', {
      solutionId: solution.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

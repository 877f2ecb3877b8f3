import {
  SOLUTION_LIMITS,
  SOLUTION_ROUTES,
  solutionCreateRequestSchema,
  solutionIdSchema,
  solutionListQuerySchema,
  solutionTextSchema,
  solutionUpdateRequestSchema,
  type SolutionCreateRequest,
  type SolutionDetailResponse,
  type SolutionListResponse,
  type SolutionResponse,
  type SolutionText,
} from '@prex/protocol';
import type { Response } from 'express';
import { staffOf, tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { badRequest, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { findConversationSession } from '../conversations/staff-thread.js';
import type { Logger } from '../logger.js';
import { replyAsSolution } from './from-reply.js';
import { findSolution, listSolutions, listVersions } from './repository.js';
import { createSolution, editSolution, removeSolution, type SolutionStoreDeps } from './store.js';

export interface SolutionsFeatureDeps {
  db: Db;
  log: Logger;
  routes: Routes;
  /** The embedding step after a solution's document is written (app.ts's Retrieval). */
  indexChunks: SolutionStoreDeps['indexChunks'];
}

function solutionIdOf(value: unknown): string {
  return parseInput(solutionIdSchema, String(value), 'solutionId');
}

/** The question and answer to save: as given, else taken from the staff reply (messageId) and what the visitor asked before it. */
async function solutionTextOf(db: Db, tenantId: string, body: SolutionCreateRequest): Promise<SolutionText & { askedAs?: string | undefined }> {
  if (!body.messageId || !body.sessionId) return parseInput(solutionTextSchema, { question: body.question, answer: body.answer }, 'solution');
  const reply = await replyAsSolution(db, { tenantId, sessionId: body.sessionId, messageId: body.messageId });
  const question = body.question ?? reply.question;
  if (question === undefined) throw badRequest(`Invalid solution: no visitor message precedes reply ${body.messageId}; give the question`);
  return { ...parseInput(solutionTextSchema, { question, answer: body.answer ?? reply.answer }, 'solution'), askedAs: reply.question };
}

function scopeOf(res: Response): { tenantId: string; staffId: string } {
  return { tenantId: tenantOf(res).id, staffId: staffOf(res).accountId };
}

/**
 * The console's solutions (staff session):
 * - GET    /v1/staff/solutions?limit=&offset=          most recently changed first
 * - POST   /v1/staff/solutions {question, answer, sessionId?} | {sessionId, messageId, question?, answer?}
 * - GET    /v1/staff/solutions/:solutionId             with its versions, newest first
 * - PATCH  /v1/staff/solutions/:solutionId {question?, answer?}   a new version
 * - DELETE /v1/staff/solutions/:solutionId             out of search at once
 * Another tenant's solution or session is a 404, like one that does not exist.
 */
export function createSolutionsFeature(deps: SolutionsFeatureDeps): Feature {
  const { db } = deps;
  const store: SolutionStoreDeps = { db, log: deps.log, indexChunks: deps.indexChunks };
  const routes = deps.routes.staff();

  routes.get(SOLUTION_ROUTES.solutions, async (req, res) => {
    const query = parseInput(solutionListQuerySchema, req.query, 'query');
    const page = { limit: query.limit ?? SOLUTION_LIMITS.defaultPageSize, offset: query.offset ?? 0 };
    const out: SolutionListResponse = await listSolutions(db, tenantOf(res).id, page);
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(SOLUTION_ROUTES.solutions, async (req, res) => {
    const body = parseJsonBody(solutionCreateRequestSchema, req, 'solution');
    const scope = scopeOf(res);
    if (body.sessionId && !(await findConversationSession(db, scope.tenantId, body.sessionId))) throw notFound(`No conversation ${body.sessionId}`);
    const text = await solutionTextOf(db, scope.tenantId, body);
    const solution = await createSolution(store, scope, { ...text, sessionId: body.sessionId ?? null });
    const out: SolutionResponse = { solution };
    res.status(201).json(out);
  });

  routes.get(SOLUTION_ROUTES.solution, async (req, res) => {
    const id = solutionIdOf(req.params.solutionId);
    const tenantId = tenantOf(res).id;
    const solution = await findSolution(db, tenantId, id);
    if (!solution) throw notFound(`No solution ${id}`);
    const out: SolutionDetailResponse = { solution, versions: await listVersions(db, tenantId, id) };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.patch(SOLUTION_ROUTES.solution, async (req, res) => {
    const id = solutionIdOf(req.params.solutionId);
    const change = parseJsonBody(solutionUpdateRequestSchema, req, 'solution update');
    const solution = await editSolution(store, scopeOf(res), id, change);
    if (!solution) throw notFound(`No solution ${id}`);
    const out: SolutionResponse = { solution };
    res.json(out);
  });

  routes.delete(SOLUTION_ROUTES.solution, async (req, res) => {
    const id = solutionIdOf(req.params.solutionId);
    if (!(await removeSolution(db, tenantOf(res).id, id))) throw notFound(`No solution ${id}`);
    res.status(204).end();
  });

  return { publicRoutes: routes.router };
}

import { z } from 'zod';
import type { Citation } from './chat.js';

/**
 * Solutions: a question and the answer staff gave to it, saved (typically when resolving a
 * conversation) so the bot answers the next visitor who asks the same with it. A solution is
 * searched alongside the knowledge base's documents and cited like one: its citation has the
 * question as title, no url, and an externalId starting with SOLUTION_EXTERNAL_ID_PREFIX.
 * Every edit keeps the previous version. Staff cookie auth; every route is scoped to the staff
 * member's tenant.
 */
export { SOLUTION_ROUTES } from './staff-wire.js';

export const SOLUTION_LIMITS = {
  maxQuestionChars: 500,
  maxAnswerChars: 8000,
  defaultPageSize: 50,
  maxPageSize: 200,
} as const;

/** Solutions are documents of the knowledge base under this externalId prefix, then the solution's id. */
export const SOLUTION_EXTERNAL_ID_PREFIX = 'solution:';

/** True when a citation points at a solution rather than a document. */
export function isSolutionCitation(citation: Pick<Citation, 'externalId'>): boolean {
  return citation.externalId?.startsWith(SOLUTION_EXTERNAL_ID_PREFIX) ?? false;
}

export const solutionIdSchema = z.string().regex(/^sol_[A-Za-z0-9_-]{1,64}$/, 'not a solution id (sol_…)');

const questionSchema = z
  .string({ error: 'question must be a string' })
  .trim()
  .min(1, 'question is empty')
  .max(SOLUTION_LIMITS.maxQuestionChars, `question is longer than ${SOLUTION_LIMITS.maxQuestionChars} characters`);
const answerSchema = z
  .string({ error: 'answer must be a string' })
  .trim()
  .min(1, 'answer is empty')
  .max(SOLUTION_LIMITS.maxAnswerChars, `answer is longer than ${SOLUTION_LIMITS.maxAnswerChars} characters`);

/** A solution's text as saved: what a create resolves to once a staff reply filled in what was not given. */
export const solutionTextSchema = z.strictObject({ question: questionSchema, answer: answerSchema });
export type SolutionText = z.output<typeof solutionTextSchema>;

/**
 * POST /v1/staff/solutions. sessionId: the conversation it came from (of the same tenant).
 * messageId (with sessionId): a staff reply of that conversation to keep as a solution; the reply's
 * text is the answer and the visitor's message(s) just before it the question, unless given.
 * Without messageId, question and answer are both needed.
 */
export const solutionCreateRequestSchema = z
  .strictObject({
    question: questionSchema.optional(),
    answer: answerSchema.optional(),
    sessionId: z.string({ error: 'sessionId must be a string' }).regex(/^ses_[A-Za-z0-9_-]{1,64}$/, 'sessionId is not a session id (ses_…)').optional(),
    messageId: z.string({ error: 'messageId must be a string' }).regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'messageId is not a message id (msg_…)').optional(),
  })
  .refine((body) => body.messageId !== undefined || (body.question !== undefined && body.answer !== undefined), {
    message: 'give question and answer, or sessionId and messageId (a staff reply) to take them from',
  })
  .refine((body) => body.messageId === undefined || body.sessionId !== undefined, { message: 'messageId goes with the sessionId of its conversation', path: ['sessionId'] });
export type SolutionCreateRequest = z.output<typeof solutionCreateRequestSchema>;

/** PATCH /v1/staff/solutions/:solutionId: the question, the answer or both; a change makes a new version. */
export const solutionUpdateRequestSchema = z
  .strictObject({ question: questionSchema.optional(), answer: answerSchema.optional() })
  .refine((body) => body.question !== undefined || body.answer !== undefined, { message: 'give question, answer or both' });
export type SolutionUpdateRequest = z.output<typeof solutionUpdateRequestSchema>;

/** GET /v1/staff/solutions query. */
export const solutionListQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(SOLUTION_LIMITS.maxPageSize, `limit is at most ${SOLUTION_LIMITS.maxPageSize}`).optional(),
  offset: z.coerce.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must be at least 0').optional(),
});
export type SolutionListQuery = z.output<typeof solutionListQuerySchema>;

export const solutionSchema = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  /** The conversation it was saved from, if any (null once that conversation is deleted). */
  sessionId: z.string().nullable(),
  /** The current version: 1 when created, +1 for each edit that changed something. */
  version: z.number().int(),
  /** The knowledge-base document that makes it searchable (its externalId is `solution:<id>`). */
  documentId: z.string(),
  /** Who saved this version (null once that account is deleted). */
  updatedBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Solution = z.infer<typeof solutionSchema>;

export const solutionVersionSchema = z.object({
  version: z.number().int(),
  question: z.string(),
  answer: z.string(),
  /** The staff account that wrote this version. */
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type SolutionVersion = z.infer<typeof solutionVersionSchema>;

/** POST (201) and PATCH. */
export const solutionResponseSchema = z.object({ solution: solutionSchema });
export type SolutionResponse = z.infer<typeof solutionResponseSchema>;

/** GET /v1/staff/solutions/:solutionId: the solution and every version, newest first (the current one included). */
export const solutionDetailResponseSchema = z.object({ solution: solutionSchema, versions: z.array(solutionVersionSchema) });
export type SolutionDetailResponse = z.infer<typeof solutionDetailResponseSchema>;

export const solutionListResponseSchema = z.object({ solutions: z.array(solutionSchema), total: z.number().int() });
export type SolutionListResponse = z.infer<typeof solutionListResponseSchema>;

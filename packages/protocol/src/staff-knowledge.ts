import { z } from 'zod';
import { adminPassageSchema, adminSearchQuerySchema } from './admin.js';
import { STAFF_KNOWLEDGE_LIMITS } from './knowledge-wire.js';

export { STAFF_KNOWLEDGE_LIMITS, STAFF_KNOWLEDGE_ROUTES } from './knowledge-wire.js';

/**
 * Bodies of the console's Knowledge routes (knowledge-wire.ts). Documents, their detail, tag
 * changes and uploads are the admin API's shapes (DocumentListResponse, DocumentDetailResponse,
 * documentPatchRequestSchema, JobDetailResponse): the same services answer both.
 */

const versionNumber = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a version number` })
    .int(`${name} must be a whole version number`)
    .min(1, `${name} is at least 1`)
    // A Postgres integer: anything larger is no version of any document.
    .max(2_147_483_647, `${name} is larger than any version`);

/** GET …/documents/:documentId/diff?from=&to= (from before to; default: the two newest versions). */
export const staffDocumentDiffQuerySchema = z
  .object({ from: versionNumber('from').optional(), to: versionNumber('to').optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { error: 'from must be an earlier version than to' });

export const diffChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['same', 'add', 'del']), text: z.string() }),
  /** `count` unchanged lines folded away. */
  z.object({ op: z.literal('skip'), count: z.number().int() }),
]);
export type DiffChange = z.infer<typeof diffChangeSchema>;

export const staffDocumentDiffResponseSchema = z.object({
  documentId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  /** Lines added and removed in all (also those past a cut). */
  added: z.number().int(),
  removed: z.number().int(),
  changes: z.array(diffChangeSchema),
  /** More than STAFF_KNOWLEDGE_LIMITS.maxDiffLines lines: the rest was cut. */
  truncated: z.boolean(),
});
export type StaffDocumentDiffResponse = z.infer<typeof staffDocumentDiffResponseSchema>;

/** GET /v1/staff/knowledge/search: the admin API's test search. */
export const staffKnowledgeSearchQuerySchema = adminSearchQuerySchema;

export const staffSearchPassageSchema = adminPassageSchema.extend({
  externalId: z.string().optional(),
  /**
   * The words of the passage (title, section, text) that matched the question, lower case, as they
   * are written (not stems): what to highlight.
   */
  matchedWords: z.array(z.string()).max(STAFF_KNOWLEDGE_LIMITS.maxMatchedWords),
});
export type StaffSearchPassage = z.infer<typeof staffSearchPassageSchema>;

export const staffKnowledgeSearchResponseSchema = z.object({ passages: z.array(staffSearchPassageSchema) });
export type StaffKnowledgeSearchResponse = z.infer<typeof staffKnowledgeSearchResponseSchema>;

import { z } from 'zod';
import { SOLUTION_EXTERNAL_ID_PREFIX } from './solutions.js';

/**
 * The admin API (secret key, `Authorization: Bearer sk_…`): a tenant's own servers and operators
 * manage its knowledge base. Dates are ISO 8601 strings.
 */

export const ADMIN_ROUTES = {
  documents: '/v1/admin/documents',
  document: '/v1/admin/documents/:externalId',
  search: '/v1/admin/documents/search',
  jobs: '/v1/admin/jobs',
  job: '/v1/admin/jobs/:jobId',
} as const;

export const ADMIN_LIMITS = {
  /** Largest uploaded file, in bytes. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Most files in one multipart upload. */
  maxFiles: 100,
  /** Largest text in a JSON document body, in characters. */
  maxDocumentChars: 1_000_000,
  /** Most documents in one JSON job. */
  maxJobDocuments: 1000,
} as const;

export const documentFormatSchema = z.enum(['markdown', 'text', 'html', 'pdf', 'docx', 'faq-json', 'faq-csv']);
export type DocumentFormatName = z.infer<typeof documentFormatSchema>;
/** Formats a JSON text body may declare (binary formats are uploaded as files). */
export const textFormatSchema = z.enum(['markdown', 'text', 'html']);

/**
 * External ids that `GET /v1/admin/documents/:externalId` could never reach because a fixed route
 * under /v1/admin/documents answers that path first (`/search`). Express matches paths ignoring
 * letter case and a trailing slash, so `Search` and `search/` collide too. Refused at upload rather
 * than worked around in routing: every other id stays addressable by the plain path.
 */
export const RESERVED_EXTERNAL_IDS = ['search'] as const;

function isReservedExternalId(id: string): boolean {
  const bare = id.replace(/\/$/, '').toLowerCase();
  return (RESERVED_EXTERNAL_IDS as readonly string[]).includes(bare);
}

export const externalIdSchema = z
  .string()
  .trim()
  .min(1, 'externalId is empty')
  .max(200, 'externalId is longer than 200 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'externalId contains control characters')
  .refine((id) => !isReservedExternalId(id), {
    error: (issue) => `externalId "${String(issue.input)}" is reserved (GET /v1/admin/documents/search is the test search); choose another id, e.g. "search.md"`,
  })
  // A solution's document changes only with the solution (in one transaction, with its versions).
  .refine((id) => !id.startsWith(SOLUTION_EXTERNAL_ID_PREFIX), {
    error: `externalIds starting with "${SOLUTION_EXTERNAL_ID_PREFIX}" are the console's solutions; change those through /v1/staff/solutions, or choose another id`,
  });

/**
 * A document tag (agents' knowledge filters pick documents by tag): trimmed, lower-cased, 1-50
 * characters of letters, digits and . _ : - (so tags compare exactly on both sides).
 */
export const documentTagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'tag is empty')
  .max(50, 'tag is longer than 50 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:-]*$/u, 'tag may hold only letters, digits and . _ : - (starting with a letter or digit)');

export const MAX_DOCUMENT_TAGS = 20;

/** A document's tags: duplicates after normalising are dropped. */
export const documentTagsSchema = z
  .array(documentTagSchema)
  .max(MAX_DOCUMENT_TAGS, `at most ${MAX_DOCUMENT_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

const httpUrl = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' });

/**
 * The `tags` field of a multipart upload (and `prex ingest --tags`): comma-separated and/or
 * repeated (`-F tags=a,b -F tags=c`), then the same rules as JSON tags. Empty pieces are separator
 * leftovers (`a,b,`) and are dropped, so an empty field means "no tags": it clears them.
 */
export const tagListFieldSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((v) => v.split(','))
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  )
  .pipe(documentTagsSchema);

/** `POST /v1/admin/documents` with a JSON body: one text document, ingested synchronously. */
export const documentUpsertRequestSchema = z.strictObject({
  externalId: externalIdSchema,
  title: z.string().trim().min(1, 'title is empty').max(300, 'title is longer than 300 characters'),
  url: httpUrl.optional(),
  content: z
    .string()
    .min(1, 'content is empty')
    .max(ADMIN_LIMITS.maxDocumentChars, `content is longer than ${ADMIN_LIMITS.maxDocumentChars} characters`)
    .refine((s) => !s.includes('\u0000'), 'content contains a NUL character'),
  /** What `content` is; default markdown. */
  format: textFormatSchema.optional(),
  /** For agents' knowledge filters: replaces the stored tags; omitted keeps them (none for a new document). */
  tags: documentTagsSchema.optional(),
});
export type DocumentUpsertRequest = z.infer<typeof documentUpsertRequestSchema>;

/**
 * `PATCH /v1/admin/documents/:externalId`: changes a stored document's tags without re-uploading
 * it (documents uploaded as files or through jobs get their tags this way). → DocumentSummaryInfo.
 */
export const documentPatchRequestSchema = z.strictObject({
  tags: documentTagsSchema,
});
export type DocumentPatchRequest = z.infer<typeof documentPatchRequestSchema>;

/** 201 when the document was created, 200 when updated or unchanged. */
export const documentUpsertResponseSchema = z.object({
  documentId: z.string(),
  externalId: z.string(),
  chunks: z.number().int(),
  version: z.number().int(),
  unchanged: z.boolean(),
});
export type DocumentUpsertResponse = z.infer<typeof documentUpsertResponseSchema>;

export const itemStatusSchema = z.enum(['queued', 'indexing', 'ready', 'failed']);
export type ItemStatus = z.infer<typeof itemStatusSchema>;

export const documentVersionSchema = z.object({
  version: z.number().int(),
  checksum: z.string(),
  title: z.string(),
  url: z.string().optional(),
  format: z.string(),
  byteSize: z.number().int(),
  chunkCount: z.number().int(),
  createdAt: z.string(),
});
export type DocumentVersionInfo = z.infer<typeof documentVersionSchema>;

export const documentSummarySchema = z.object({
  documentId: z.string(),
  externalId: z.string(),
  title: z.string(),
  url: z.string().optional(),
  format: z.string(),
  version: z.number().int(),
  chunks: z.number().int(),
  byteSize: z.number().int(),
  tags: z.array(z.string()),
  /**
   * 'ready' when what is stored is current; otherwise the state of the latest upload of this
   * externalId ('queued' / 'indexing' while a new version is on its way, 'failed' when it did not
   * make it: the stored version is still served).
   */
  status: itemStatusSchema,
  /** Why the latest upload failed (status 'failed'). */
  error: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocumentSummaryInfo = z.infer<typeof documentSummarySchema>;

export const documentListResponseSchema = z.object({ documents: z.array(documentSummarySchema) });
export type DocumentListResponse = z.infer<typeof documentListResponseSchema>;

export const jobItemSchema = z.object({
  itemId: z.string(),
  externalId: z.string(),
  filename: z.string().optional(),
  byteSize: z.number().int(),
  status: itemStatusSchema,
  /** Why it failed, or the last transient error while it waits for a retry. */
  error: z.string().optional(),
  attempts: z.number().int(),
  documentId: z.string().optional(),
  version: z.number().int().optional(),
  chunks: z.number().int().optional(),
  /** True when the content was already stored (same checksum): nothing was re-indexed. */
  unchanged: z.boolean().optional(),
  /** The tags this upload sets on the document; absent when it named none (the stored tags stay). */
  tags: z.array(z.string()).optional(),
  updatedAt: z.string(),
});
export type JobItemInfo = z.infer<typeof jobItemSchema>;

/** `GET /v1/admin/documents/:externalId`: the stored document (if any), its versions, its latest upload. */
export const documentDetailResponseSchema = z.object({
  externalId: z.string(),
  status: itemStatusSchema,
  error: z.string().optional(),
  document: documentSummarySchema.optional(),
  /** Newest first; the first is the current one. */
  versions: z.array(documentVersionSchema),
  latestUpload: jobItemSchema.optional(),
});
export type DocumentDetailResponse = z.infer<typeof documentDetailResponseSchema>;

export const jobStatusSchema = z.enum(['queued', 'running', 'done']);

export const jobSchema = z.object({
  jobId: z.string(),
  origin: z.enum(['api', 'cli']),
  status: jobStatusSchema,
  counts: z.object({
    total: z.number().int(),
    queued: z.number().int(),
    indexing: z.number().int(),
    ready: z.number().int(),
    failed: z.number().int(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JobInfo = z.infer<typeof jobSchema>;

export const jobListResponseSchema = z.object({ jobs: z.array(jobSchema) });
export const jobDetailResponseSchema = jobSchema.extend({ items: z.array(jobItemSchema) });
export type JobDetailResponse = z.infer<typeof jobDetailResponseSchema>;

/** `POST /v1/admin/jobs`: several text documents queued as one job (202 with the job). */
export const createJobRequestSchema = z.strictObject({
  documents: z
    .array(documentUpsertRequestSchema.extend({ title: documentUpsertRequestSchema.shape.title.optional() }))
    .min(1, 'documents is empty')
    .max(ADMIN_LIMITS.maxJobDocuments, `at most ${ADMIN_LIMITS.maxJobDocuments} documents per job`),
});
export type CreateJobRequest = z.infer<typeof createJobRequestSchema>;

/** `GET /v1/admin/documents/search?q=…&limit=…`: what the widget's search would retrieve. */
export const adminSearchQuerySchema = z.object({
  q: z.string().max(1000, 'q is longer than 1000 characters'),
  limit: z.coerce.number().int().min(1).max(20).optional(),
  /** Search as this agent would: only the documents its knowledge filter allows. */
  agent: z.string().min(1, 'agent is empty').max(40, 'agent is longer than 40 characters').optional(),
});

export const adminPassageSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  title: z.string(),
  url: z.string().optional(),
  section: z.string().optional(),
  content: z.string(),
  snippet: z.string(),
  score: z.number(),
});
export const adminSearchResponseSchema = z.object({ passages: z.array(adminPassageSchema) });
export type AdminSearchResponse = z.infer<typeof adminSearchResponseSchema>;

/**
 * The console's Knowledge page routes, as runtime constants without zod: the console imports them
 * through '@prex/protocol/wire'. The schemas are in staff-knowledge.ts. They serve the signed-in
 * staff member's tenant only. Every staff member may read and test-search the knowledge base;
 * uploading, retagging and deleting documents is for owners and admins (an agent gets 403).
 */
export const STAFF_KNOWLEDGE_ROUTES = {
  /** GET: the documents (solutions are listed by SOLUTION_ROUTES); POST multipart "files": upload, a job (202). */
  documents: '/v1/staff/knowledge/documents',
  /** GET: status, versions, latest upload; PATCH {tags}; DELETE (204). */
  document: '/v1/staff/knowledge/documents/:documentId',
  /** GET ?from=&to=: what changed between two versions, line by line. */
  diff: '/v1/staff/knowledge/documents/:documentId/diff',
  /** GET: recent uploads with counts. */
  jobs: '/v1/staff/knowledge/jobs',
  /** GET: an upload with the status of each file (poll it until none is queued or indexing). */
  job: '/v1/staff/knowledge/jobs/:jobId',
  /** GET ?q=&limit=&agent=: ranked passages with scores and the words that matched. */
  search: '/v1/staff/knowledge/search',
} as const;

export const STAFF_KNOWLEDGE_LIMITS = {
  /** Largest uploaded file, in bytes: the admin API's ADMIN_LIMITS.maxFileBytes (the same upload path). */
  maxFileBytes: 20 * 1024 * 1024,
  /** Lines of a diff answered; past them it is cut (truncated: true). */
  maxDiffLines: 4000,
  /** Unchanged lines shown around each change; longer unchanged runs are folded. */
  diffContextLines: 3,
  /** Distinct matched words returned per passage. */
  maxMatchedWords: 50,
} as const;

import type { Request, Router } from 'express';
import {
  SOLUTION_EXTERNAL_ID_PREFIX,
  STAFF_KNOWLEDGE_LIMITS,
  STAFF_KNOWLEDGE_ROUTES,
  documentPatchRequestSchema,
  staffDocumentDiffQuerySchema,
  staffKnowledgeSearchQuerySchema,
  type DocumentListResponse,
  type StaffDocumentDiffResponse,
  type StaffKnowledgeSearchResponse,
} from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { Metrics } from '../metrics/metrics.js';
import { requireRole } from '../staff/session-auth.js';
import { documentDetail, documentInfo, jobDetail, jobInfo } from './document-views.js';
import { createJob, latestItems, listJobs } from './jobs/repository.js';
import type { IngestionWorker } from './jobs/worker.js';
import { deleteDocument, findDocumentById, listDocuments, setDocumentTags, VERSION_TEXTS_KEPT, versionTexts, type DocumentSummary } from './repository.js';
import type { Retrieval } from './search/index.js';
import { guardedUpload, uploadedItems } from './upload.js';
import { foldUnchanged } from './versions/fold.js';
import { diffLines } from './versions/line-diff.js';

export interface StaffKnowledgeDeps {
  db: Db;
  routes: Routes;
  /** The test search (highlighting the matched words), as answers search. */
  retrieval: Retrieval;
  /** The knowledge feature's ingestion worker: uploads from the console queue like the admin API's. */
  worker: IngestionWorker;
  /** The document tags an agent's knowledge filter allows (404 for an unknown agent): the test search's ?agent=. */
  agentTags(tenantId: string, agentName: string): Promise<string[] | undefined>;
  metrics?: Metrics | undefined;
}

/**
 * The console's Knowledge page: the admin API's knowledge base services behind the staff session.
 * Every staff member may read the documents, their versions and diffs, and run the test search
 * (an agent answering customers needs to see what the bot knows); uploading, retagging and
 * deleting are for owners and admins (an agent gets 403), as the rest of the workspace's setup is.
 * Documents are addressed by documentId (externalIds may hold slashes). Solutions are documents too
 * but change only through the Solutions page: they are not listed here and cannot be changed here.
 */
export function createStaffKnowledgeRoutes(deps: StaffKnowledgeDeps): Router {
  const { db } = deps;
  const routes = deps.routes.staff();
  const managers = requireRole('owner', 'admin');
  const R = STAFF_KNOWLEDGE_ROUTES;

  routes.get(R.documents, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const [documents, latest] = await Promise.all([listDocuments(db, tenantId), latestItems(db, tenantId)]);
    const body: DocumentListResponse = { documents: documents.filter((d) => !isSolution(d)).map((d) => documentInfo(d, latest.get(d.externalId))) };
    res.json(body);
  });

  // The console sends one file per request, to show each file's progress and error on its own.
  routes.post(R.documents, managers, guardedUpload, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const items = uploadedItems(req);
    // Origin 'api': the console is a client of the same upload API.
    const jobId = await createJob(db, tenantId, 'api', items);
    deps.metrics?.ingestionJobs.inc({ origin: 'api' });
    deps.worker.kick();
    res.status(202).location(R.job.replace(':jobId', jobId)).json(await jobDetail(db, tenantId, jobId));
  });

  routes.get(R.document, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const document = await documentOf(db, tenantId, req);
    res.json(await documentDetail(db, tenantId, document.externalId));
  });

  routes.patch(R.document, managers, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const input = parseJsonBody(documentPatchRequestSchema, req, 'document patch');
    const document = editable(await documentOf(db, tenantId, req));
    await setDocumentTags(db, tenantId, document.id, input.tags);
    const updated = await documentOf(db, tenantId, req);
    const latest = await latestItems(db, tenantId, [updated.externalId]);
    res.json(documentInfo(updated, latest.get(updated.externalId)));
  });

  routes.delete(R.document, managers, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const document = editable(await documentOf(db, tenantId, req));
    if (!(await deleteDocument(db, tenantId, document.externalId))) throw notFound(`No document ${document.id}`);
    res.status(204).end();
  });

  routes.get(R.diff, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const query = parseInput(staffDocumentDiffQuerySchema, req.query, 'diff query');
    const document = await documentOf(db, tenantId, req);
    const to = query.to ?? document.version;
    const from = query.from ?? to - 1;
    if (from < 1) throw badRequest(`Version ${to} is the first: there is no earlier version to compare it with`);
    if (from >= to) throw badRequest(`from (${from}) must be an earlier version than to (${to})`);
    const texts = await versionTexts(db, tenantId, document.id, [from, to]);
    for (const v of [from, to]) {
      if (!texts.has(v)) throw notFound(`This document has no version ${v} (its versions are 1 to ${document.version})`);
      if (texts.get(v) === undefined) {
        throw conflict(`The text of version ${v} is not kept (only the newest ${VERSION_TEXTS_KEPT} versions keep theirs), so there is nothing to compare it with`);
      }
    }
    const folded = foldUnchanged(diffLines(texts.get(from)!, texts.get(to)!), STAFF_KNOWLEDGE_LIMITS.diffContextLines, STAFF_KNOWLEDGE_LIMITS.maxDiffLines);
    const body: StaffDocumentDiffResponse = { documentId: document.id, from, to, ...folded };
    res.json(body);
  });

  routes.get(R.jobs, async (_req, res) => {
    const jobs = await listJobs(db, tenantOf(res).id);
    res.json({ jobs: jobs.map(jobInfo) });
  });

  routes.get(R.job, async (req, res) => {
    res.json(await jobDetail(db, tenantOf(res).id, String(req.params.jobId)));
  });

  routes.get(R.search, async (req, res) => {
    const query = parseInput(staffKnowledgeSearchQuerySchema, req.query, 'search query');
    const tenantId = tenantOf(res).id;
    // With ?agent=, what that agent's knowledge filter lets it retrieve.
    const tags = query.agent !== undefined ? await deps.agentTags(tenantId, query.agent) : undefined;
    const passages = await deps.retrieval.searchWithMatchedWords(db, tenantId, query.q, { limit: query.limit ?? 5, tags });
    const body: StaffKnowledgeSearchResponse = { passages };
    res.json(body);
  });

  return routes.router;
}

const isSolution = (d: DocumentSummary) => d.externalId.startsWith(SOLUTION_EXTERNAL_ID_PREFIX);

/** The document of the path's :documentId in the caller's tenant; 404 otherwise (another tenant's included). */
async function documentOf(db: Db, tenantId: string, req: Request): Promise<DocumentSummary> {
  const id = String(req.params.documentId);
  const document = await findDocumentById(db, tenantId, id);
  if (!document) throw notFound(`No document ${id} in this workspace`);
  return document;
}

/** Solutions change with their versions on the Solutions page, never here. */
function editable(document: DocumentSummary): DocumentSummary {
  if (isSolution(document)) throw conflict('This document is a solution: change or delete it on the Solutions page');
  return document;
}

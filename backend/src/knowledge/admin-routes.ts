import type { RequestHandler, Request } from 'express';
import {
  ADMIN_ROUTES,
  adminSearchQuerySchema,
  createJobRequestSchema,
  documentPatchRequestSchema,
  documentUpsertRequestSchema,
  type DocumentListResponse,
  type DocumentUpsertResponse,
} from '@prex/protocol';
import type { IngestionConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { Feature } from '../feature.js';
import type { RouteGroup, Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ChunkOptions } from './chunker.js';
import { documentDetail, documentInfo, jobDetail, jobInfo } from './document-views.js';
import { deleteDocument, ingestFile, listDocuments, type ChunkIndexer, type FileIngestOptions, type FileInput } from './ingest.js';
import { createJob, latestItems, listJobs } from './jobs/repository.js';
import { IngestionWorker, type WorkerEvent } from './jobs/worker.js';
import { ParseError } from './parse/index.js';
import { SandboxPool } from './parse/pool.js';
import { findDocument, setDocumentTags } from './repository.js';
import type { Retrieval } from './search/index.js';
import { createStaffKnowledgeRoutes } from './staff-routes.js';
import { guardedUpload, uploadedItems } from './upload.js';

export interface KnowledgeFeatureDeps {
  db: Db;
  log: Logger;
  routes: Routes;
  /** The document tags an agent's knowledge filter allows (404 for an unknown agent): the test search's ?agent=. */
  agentTags(tenantId: string, agentName: string): Promise<string[] | undefined>;
  /** The test searches and the embedding step after a document's chunks are written (app.ts builds it). */
  retrieval: Retrieval;
  chunking?: ChunkOptions | undefined;
  /** The ingestion threads, and the memory, time and format limits uploaded files are parsed under (config.ingestion). */
  ingestion: IngestionConfig;
  /** Jobs queued and items processed, by outcome. */
  metrics?: Metrics | undefined;
}

export interface KnowledgeFeature extends Feature {
  /** The background ingestion worker of this process. */
  worker: IngestionWorker;
}

/**
 * The tenant's knowledge base, for its own servers (secret key), and the worker that ingests queued uploads.
 * The console's Knowledge routes (staff-routes.ts) are built here too, to queue on the same worker.
 * Every file and JSON document is parsed and cut into chunks in a SandboxPool (worker threads under
 * memory, time and format limits), so a hostile upload fails alone instead of taking the API down for
 * every tenant, and a large one does not hold the event loop that answers every tenant's chats.
 *
 * - POST   /v1/admin/documents            JSON: one text document, ingested now (201/200)
 *                                         multipart/form-data: files (+ tags for all of them), queued as a job (202)
 * - GET    /v1/admin/documents            list with version and status
 * - GET    /v1/admin/documents/search     run a test search (?agent=: through that agent's knowledge filter)
 * - GET    /v1/admin/documents/:externalId status, versions, latest upload
 * - PATCH  /v1/admin/documents/:externalId JSON {tags}: retag it (agents' knowledge filters)
 * - DELETE /v1/admin/documents/:externalId remove it and its chunks (204)
 * - POST   /v1/admin/jobs                 JSON: several text documents queued as a job (202)
 * - GET    /v1/admin/jobs                 recent jobs with counts
 * - GET    /v1/admin/jobs/:jobId          a job with the status of each document
 */
export function createKnowledgeFeature(deps: KnowledgeFeatureDeps): KnowledgeFeature {
  const { db, log } = deps;
  const { indexChunks } = deps.retrieval;
  const sandbox = new SandboxPool(deps.ingestion);
  const { parse, chunk } = sandbox;
  const worker = new IngestionWorker(db, { log, indexChunks, chunking: deps.chunking, parse, chunk, keepAlive: false, onEvent: countItem(deps.metrics) });
  const routes = deps.routes.admin();
  addDocumentRoutes(routes, deps, worker, { ...deps.chunking, indexChunks, parse, chunk });
  addJobRoutes(routes, db, worker, deps.metrics);
  const staffRoutes = createStaffKnowledgeRoutes({ db, routes: deps.routes, retrieval: deps.retrieval, worker, agentTags: deps.agentTags, metrics: deps.metrics });
  return {
    adminRoutes: routes.router,
    publicRoutes: staffRoutes,
    worker,
    // Resume what a previous process left queued (or half-done: its lease expires).
    start: () => worker.kick(),
    async stop() {
      await worker.stop();
      await sandbox.close();
    },
  };
}

/** JSON bodies were parsed by the admin policy; files arrive as multipart. */
const jsonOrFiles: RequestHandler = (req, res, next) => {
  if (req.is('multipart/form-data')) return guardedUpload(req, res, next);
  if (req.is('application/json')) return next();
  const type = req.get('content-type');
  next(badRequest(`Expected a JSON body with Content-Type: application/json (got ${type ?? 'no Content-Type'}), or files as multipart/form-data`));
};

function addDocumentRoutes(routes: RouteGroup, deps: KnowledgeFeatureDeps, worker: IngestionWorker, ingestOptions: FileIngestOptions): void {
  const { db } = deps;
  routes.post(ADMIN_ROUTES.documents, jsonOrFiles, async (req, res) => {
    const tenantId = tenantOf(res).id;
    if (req.is('multipart/form-data')) {
      const items = uploadedItems(req);
      const jobId = await createJob(db, tenantId, 'api', items);
      deps.metrics?.ingestionJobs.inc({ origin: 'api' });
      worker.kick();
      res.status(202).location(ADMIN_ROUTES.job.replace(':jobId', jobId)).json(await jobDetail(db, tenantId, jobId));
      return;
    }
    const input = parseJsonBody(documentUpsertRequestSchema, req, 'document');
    let result;
    try {
      result = await ingestFile(
        db,
        tenantId,
        { externalId: input.externalId, bytes: new TextEncoder().encode(input.content), format: input.format ?? 'markdown', title: input.title, url: input.url, tags: input.tags },
        ingestOptions,
      );
    } catch (err) {
      if (err instanceof ParseError) throw badRequest(`Invalid document: ${err.message}`, [{ path: 'content', message: err.message }]);
      throw err;
    }
    const body: DocumentUpsertResponse = {
      documentId: result.documentId,
      externalId: input.externalId,
      chunks: result.chunks,
      version: result.version,
      unchanged: result.unchanged,
    };
    res.status(result.created ? 201 : 200).json(body);
  });

  routes.get(ADMIN_ROUTES.documents, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const documents = await listDocuments(db, tenantId);
    const latest = await latestItems(db, tenantId);
    const body: DocumentListResponse = { documents: documents.map((d) => documentInfo(d, latest.get(d.externalId))) };
    res.json(body);
  });

  routes.get(ADMIN_ROUTES.search, async (req, res) => {
    const query = parseInput(adminSearchQuerySchema, req.query, 'search query');
    const tenantId = tenantOf(res).id;
    // With ?agent=, what that agent's knowledge filter lets it retrieve.
    const tags = query.agent !== undefined ? await deps.agentTags(tenantId, query.agent) : undefined;
    const passages = await deps.retrieval.search(db, tenantId, query.q, { limit: query.limit ?? 5, tags });
    res.json({ passages });
  });

  routes.get(DOCUMENT_PATH, async (req, res) => {
    const externalId = externalIdParam(req);
    const body = await documentDetail(db, tenantOf(res).id, externalId);
    if (!body) throw notFound(`No document with externalId ${externalId}`);
    res.json(body);
  });

  routes.patch(DOCUMENT_PATH, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const externalId = externalIdParam(req);
    const input = parseJsonBody(documentPatchRequestSchema, req, 'document patch');
    const document = await findDocument(db, tenantId, externalId);
    if (!document) throw notFound(`No document with externalId ${externalId}`);
    await setDocumentTags(db, tenantId, document.id, input.tags);
    const updated = await findDocument(db, tenantId, externalId);
    if (!updated) throw notFound(`No document with externalId ${externalId}`);
    const latest = await latestItems(db, tenantId, [externalId]);
    res.json(documentInfo(updated, latest.get(externalId)));
  });

  routes.delete(DOCUMENT_PATH, async (req, res) => {
    const externalId = externalIdParam(req);
    if (!(await deleteDocument(db, tenantOf(res).id, externalId))) {
      throw notFound(`No document with externalId ${externalId}`);
    }
    res.status(204).end();
  });
}

function addJobRoutes(routes: RouteGroup, db: Db, worker: IngestionWorker, metrics: Metrics | undefined): void {
  routes.post(ADMIN_ROUTES.jobs, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const input = parseJsonBody(createJobRequestSchema, req, 'job');
    const seen = new Set<string>();
    for (const [i, d] of input.documents.entries()) {
      if (seen.has(d.externalId)) throw badRequest(`Invalid job: documents.${i}.externalId ${d.externalId} appears twice`, [{ path: `documents.${i}.externalId`, message: 'duplicate externalId' }]);
      seen.add(d.externalId);
    }
    const items: FileInput[] = input.documents.map((d) => ({
      externalId: d.externalId,
      bytes: new TextEncoder().encode(d.content),
      format: d.format ?? 'markdown',
      title: d.title ?? d.externalId,
      url: d.url,
      tags: d.tags,
    }));
    const jobId = await createJob(db, tenantId, 'api', items);
    metrics?.ingestionJobs.inc({ origin: 'api' });
    worker.kick();
    res.status(202).location(ADMIN_ROUTES.job.replace(':jobId', jobId)).json(await jobDetail(db, tenantId, jobId));
  });

  routes.get(ADMIN_ROUTES.jobs, async (_req, res) => {
    const jobs = await listJobs(db, tenantOf(res).id);
    res.json({ jobs: jobs.map(jobInfo) });
  });

  routes.get(ADMIN_ROUTES.job, async (req, res) => {
    const tenantId = tenantOf(res).id;
    const jobId = String(req.params.jobId);
    res.json(await jobDetail(db, tenantId, jobId));
  });

}

/**
 * `/v1/admin/documents/:externalId`, where the id may also be sent with unencoded slashes
 * (`/v1/admin/documents/billing/refunds.md`) as well as encoded (`billing%2Frefunds.md`).
 */
const DOCUMENT_PATH = `${ADMIN_ROUTES.documents}/*externalId`;

function externalIdParam(req: Request): string {
  const value = (req.params as Record<string, string | string[]>).externalId;
  return Array.isArray(value) ? value.join('/') : String(value);
}

/** Items by outcome in the metrics; 'started' is not an outcome. */
function countItem(metrics: Metrics | undefined): ((event: WorkerEvent) => void) | undefined {
  if (!metrics) return undefined;
  return (event) => {
    if (event.type !== 'started') metrics.ingestionItems.inc({ outcome: event.type });
  };
}

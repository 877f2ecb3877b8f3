import type { DocumentDetailResponse, DocumentSummaryInfo, JobDetailResponse, JobInfo, JobItemInfo } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import { findJob, latestItems, listJobItems, type Job, type JobItem } from './jobs/repository.js';
import { findDocument, listVersions, type DocumentSummary } from './repository.js';

/** Documents, uploads and jobs in wire shape, for the admin API and the console alike. */

export function documentInfo(d: DocumentSummary, upload: JobItem | undefined): DocumentSummaryInfo {
  // The latest upload tells the status only when it is about a newer version than the stored one.
  const pending = upload && upload.status !== 'ready' && upload.createdAt.getTime() >= d.updatedAt.getTime() - 1;
  return {
    documentId: d.id,
    externalId: d.externalId,
    title: d.title,
    ...(d.url ? { url: d.url } : {}),
    format: d.format,
    version: d.version,
    chunks: d.chunks,
    byteSize: d.byteSize,
    tags: d.tags,
    status: pending ? upload.status : 'ready',
    ...(pending && upload.error && upload.status === 'failed' ? { error: upload.error } : {}),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function itemInfo(i: JobItem): JobItemInfo {
  return {
    itemId: i.id,
    externalId: i.externalId,
    ...(i.filename ? { filename: i.filename } : {}),
    byteSize: i.byteSize,
    status: i.status,
    ...(i.error ? { error: i.error } : {}),
    attempts: i.attempts,
    ...(i.documentId ? { documentId: i.documentId } : {}),
    ...(i.version !== undefined ? { version: i.version } : {}),
    ...(i.chunks !== undefined ? { chunks: i.chunks } : {}),
    ...(i.unchanged !== undefined ? { unchanged: i.unchanged } : {}),
    ...(i.tags ? { tags: i.tags } : {}),
    updatedAt: i.updatedAt.toISOString(),
  };
}

export function jobInfo(j: Job): JobInfo {
  return { jobId: j.id, origin: j.origin, status: j.status, counts: j.counts, createdAt: j.createdAt.toISOString(), updatedAt: j.updatedAt.toISOString() };
}

export async function jobDetail(db: Db, tenantId: string, jobId: string): Promise<JobDetailResponse> {
  const job = await findJob(db, tenantId, jobId);
  if (!job) throw notFound(`No job ${jobId}`);
  const items = await listJobItems(db, tenantId, jobId);
  return { ...jobInfo(job), items: items.map(itemInfo) };
}

/**
 * A document's status, versions (newest first) and latest upload, by externalId; undefined when
 * there is neither a stored document nor an upload of that id.
 */
export async function documentDetail(db: Db, tenantId: string, externalId: string): Promise<DocumentDetailResponse | undefined> {
  const [document, latest] = await Promise.all([findDocument(db, tenantId, externalId), latestItems(db, tenantId, [externalId])]);
  const upload = latest.get(externalId);
  if (!document && !upload) return undefined;
  const versions = document ? await listVersions(db, tenantId, document.id) : [];
  const info = document ? documentInfo(document, upload) : undefined;
  return {
    externalId,
    status: info?.status ?? upload!.status,
    ...(info?.error ?? (!info && upload?.error) ? { error: info?.error ?? upload!.error! } : {}),
    ...(info ? { document: info } : {}),
    versions: versions.map((v) => ({
      version: v.version,
      checksum: v.checksum,
      title: v.title,
      ...(v.url ? { url: v.url } : {}),
      format: v.format,
      byteSize: v.byteSize,
      chunkCount: v.chunkCount,
      createdAt: v.createdAt.toISOString(),
    })),
    ...(upload ? { latestUpload: itemInfo(upload) } : {}),
  };
}

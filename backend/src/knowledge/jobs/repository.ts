import type { Db } from '../../db/db.js';
import { newId } from '../../ids.js';
import type { FileInput } from '../ingest.js';
import type { DocumentFormat } from '../parse/index.js';

export const ITEM_STATUSES = ['queued', 'indexing', 'ready', 'failed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type JobStatus = 'queued' | 'running' | 'done';
export type JobOrigin = 'api' | 'cli';

export interface JobItem {
  id: string;
  jobId: string;
  ordinal: number;
  externalId: string;
  filename: string | undefined;
  byteSize: number;
  status: ItemStatus;
  error: string | undefined;
  attempts: number;
  documentId: string | undefined;
  version: number | undefined;
  chunks: number | undefined;
  unchanged: boolean | undefined;
  tags: string[] | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface JobCounts {
  total: number;
  queued: number;
  indexing: number;
  ready: number;
  failed: number;
}

export interface Job {
  id: string;
  origin: JobOrigin;
  status: JobStatus;
  counts: JobCounts;
  createdAt: Date;
  /** Last change of any item. */
  updatedAt: Date;
}

/** An item a worker took: everything needed to ingest it. */
export interface ClaimedItem {
  id: string;
  tenantId: string;
  jobId: string;
  externalId: string;
  filename: string | undefined;
  mimeType: string | undefined;
  format: DocumentFormat | undefined;
  title: string | undefined;
  url: string | undefined;
  tags: string[] | undefined;
  bytes: Uint8Array;
  /** Including this one. */
  attempts: number;
}

/** Creates a job with its items, all queued, in one transaction. */
export async function createJob(db: Db, tenantId: string, origin: JobOrigin, items: FileInput[]): Promise<string> {
  const jobId = newId('job');
  await db.transaction(async (tx) => {
    await tx.query('insert into ingestion_jobs (id, tenant_id, origin) values ($1, $2, $3)', [jobId, tenantId, origin]);
    // One row at a time: bytea arrays do not unnest the same way on both drivers.
    for (const [ordinal, item] of items.entries()) {
      await tx.query(
        `insert into ingestion_job_items (id, tenant_id, job_id, ordinal, external_id, filename, mime_type, format, title, url, tags, payload, byte_size)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13)`,
        [
          newId('jit'),
          tenantId,
          jobId,
          ordinal,
          item.externalId,
          item.filename ?? null,
          item.mimeType ?? null,
          item.format ?? null,
          item.title ?? null,
          item.url ?? null,
          item.tags ? [...item.tags] : null,
          Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength),
          item.bytes.byteLength,
        ],
      );
    }
  });
  return jobId;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  job_id: string;
  external_id: string;
  filename: string | null;
  mime_type: string | null;
  format: string | null;
  title: string | null;
  url: string | null;
  tags: string[] | null;
  payload: Uint8Array | null;
  attempts: number;
}

const DUE = `((status = 'queued' and next_attempt_at <= now()) or (status = 'indexing' and locked_until < now()))`;
const QUEUE_ORDER = 'next_attempt_at, created_at, ordinal';
const CLAIM = `set status = 'indexing', attempts = attempts + 1, updated_at = now(),
            locked_until = now() + ($2::int * interval '1 millisecond')`;
const CLAIMED_COLUMNS = 'id, tenant_id, job_id, external_id, filename, mime_type, format, title, url, tags, payload, attempts';

/**
 * Takes the next due item (queued and past its backoff, or 'indexing' under an expired lease: its
 * worker died) and marks it indexing under a lease. SKIP LOCKED lets several workers (processes)
 * share the queue. This is the queue's one cross-tenant statement: the item's tenant_id then scopes
 * everything done for it. With `jobId`, only that job's items (the CLI runs its own job).
 */
export async function claimNextItem(db: Db, opts: { jobId?: string | undefined; leaseMs: number }): Promise<ClaimedItem | undefined> {
  const rows = await db.query<ClaimedRow>(
    `update ingestion_job_items ${CLAIM}
      where (tenant_id, id) = (
        select tenant_id, id from ingestion_job_items
         where ${DUE} and ($1::text is null or job_id = $1)
         order by ${QUEUE_ORDER}
         limit 1
         for update skip locked)
      returning ${CLAIMED_COLUMNS}`,
    [opts.jobId ?? null, Math.round(opts.leaseMs)],
  );
  return rows[0] && toClaimed(rows[0]);
}

/**
 * claimNextItem, plus up to `limit - 1` more due items of the same tenant (and job, with `jobId`)
 * to ingest in one transaction, when the first and they are small (`smallBytes` at most each):
 * a large file goes alone, so a batch's payloads stay small in memory. In queue order.
 */
export async function claimNextItems(
  db: Db,
  opts: { jobId?: string | undefined; leaseMs: number; limit: number; smallBytes: number },
): Promise<ClaimedItem[]> {
  const first = await claimNextItem(db, opts);
  if (!first || opts.limit <= 1 || first.bytes.byteLength > opts.smallBytes) return first ? [first] : [];
  const rows = await db.query<ClaimedRow & { n: number }>(
    `update ingestion_job_items i ${CLAIM}
       from (select tenant_id, id, row_number() over () as n from (
               select tenant_id, id from ingestion_job_items
                where tenant_id = $3 and ${DUE} and ($1::text is null or job_id = $1) and byte_size <= $4
                order by ${QUEUE_ORDER}
                limit $5
                for update skip locked) due) picked
      where i.tenant_id = picked.tenant_id and i.id = picked.id
      returning picked.n, ${CLAIMED_COLUMNS.split(', ').map((c) => `i.${c}`).join(', ')}`,
    [opts.jobId ?? null, Math.round(opts.leaseMs), first.tenantId, opts.smallBytes, opts.limit - 1],
  );
  return [first, ...rows.sort((a, b) => a.n - b.n).map(toClaimed)];
}

function toClaimed(r: ClaimedRow): ClaimedItem {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    jobId: r.job_id,
    externalId: r.external_id,
    filename: r.filename ?? undefined,
    mimeType: r.mime_type ?? undefined,
    format: (r.format ?? undefined) as DocumentFormat | undefined,
    title: r.title ?? undefined,
    url: r.url ?? undefined,
    tags: r.tags ?? undefined,
    bytes: r.payload ? new Uint8Array(r.payload) : new Uint8Array(),
    attempts: r.attempts,
  };
}

/** Milliseconds until the next pending item is due (0 = now), or undefined when nothing is pending. */
export async function msUntilNextDue(db: Db, opts: { jobId?: string | undefined }): Promise<number | undefined> {
  const rows = await db.query<{ wait_ms: number | null }>(
    `select extract(epoch from (min(case when status = 'queued' then next_attempt_at else locked_until end) - now())) * 1000 as wait_ms
       from ingestion_job_items
      where status in ('queued', 'indexing') and ($1::text is null or job_id = $1)`,
    [opts.jobId ?? null],
  );
  const wait = rows[0]?.wait_ms;
  return wait === null || wait === undefined ? undefined : Math.max(0, Number(wait));
}

export interface ItemOutcome {
  documentId: string;
  version: number;
  chunks: number;
  unchanged: boolean;
}

export async function markItemReady(db: Db, tenantId: string, itemId: string, outcome: ItemOutcome): Promise<void> {
  await db.query(
    `update ingestion_job_items
        set status = 'ready', error = null, payload = null, locked_until = null, updated_at = now(),
            document_id = $3, version = $4, chunk_count = $5, unchanged = $6
      where tenant_id = $1 and id = $2`,
    [tenantId, itemId, outcome.documentId, outcome.version, outcome.chunks, outcome.unchanged],
  );
}

/** markItemReady for several items of one tenant in one statement (a batch's items: one round trip, not one each). */
export async function markItemsReady(db: Db, tenantId: string, items: readonly { itemId: string; outcome: ItemOutcome }[]): Promise<void> {
  if (items.length === 0) return;
  const column = <T>(pick: (i: { itemId: string; outcome: ItemOutcome }) => T) => items.map(pick);
  await db.query(
    `update ingestion_job_items i
        set status = 'ready', error = null, payload = null, locked_until = null, updated_at = now(),
            document_id = x.document_id, version = x.version, chunk_count = x.chunk_count, unchanged = x.unchanged
       from unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::bool[]) as x(id, document_id, version, chunk_count, unchanged)
      where i.tenant_id = $1 and i.id = x.id`,
    [
      tenantId,
      column((i) => i.itemId),
      column((i) => i.outcome.documentId),
      column((i) => i.outcome.version),
      column((i) => i.outcome.chunks),
      column((i) => i.outcome.unchanged),
    ],
  );
}

export async function markItemFailed(db: Db, tenantId: string, itemId: string, reason: string): Promise<void> {
  await db.query(
    `update ingestion_job_items
        set status = 'failed', error = $3, payload = null, locked_until = null, updated_at = now()
      where tenant_id = $1 and id = $2`,
    [tenantId, itemId, reason.slice(0, 2000)],
  );
}

/** Back to the queue after a transient failure, not before `delayMs`; the error is kept for display. */
export async function scheduleItemRetry(db: Db, tenantId: string, itemId: string, reason: string, delayMs: number): Promise<void> {
  await db.query(
    `update ingestion_job_items
        set status = 'queued', error = $3, locked_until = null, updated_at = now(),
            next_attempt_at = now() + ($4::int * interval '1 millisecond')
      where tenant_id = $1 and id = $2`,
    [tenantId, itemId, reason.slice(0, 2000), Math.round(delayMs)],
  );
}

interface JobRow {
  id: string;
  origin: JobOrigin;
  created_at: Date;
  updated_at: Date | null;
  total: number;
  queued: number;
  indexing: number;
  ready: number;
  failed: number;
}

const JOB_SELECT = `
  select j.id, j.origin, j.created_at,
         (select max(i.updated_at) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id) as updated_at,
         (select count(*) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id) as total,
         (select count(*) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id and i.status = 'queued') as queued,
         (select count(*) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id and i.status = 'indexing') as indexing,
         (select count(*) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id and i.status = 'ready') as ready,
         (select count(*) from ingestion_job_items i where i.tenant_id = j.tenant_id and i.job_id = j.id and i.status = 'failed') as failed
    from ingestion_jobs j`;

function toJob(r: JobRow): Job {
  const counts = { total: r.total, queued: r.queued, indexing: r.indexing, ready: r.ready, failed: r.failed };
  const status: JobStatus = counts.queued + counts.indexing === 0 ? 'done' : counts.indexing + counts.ready + counts.failed === 0 ? 'queued' : 'running';
  return { id: r.id, origin: r.origin, status, counts, createdAt: r.created_at, updatedAt: r.updated_at ?? r.created_at };
}

/** The tenant's most recent jobs, newest first. */
export async function listJobs(db: Db, tenantId: string, limit = 50): Promise<Job[]> {
  const rows = await db.query<JobRow>(`${JOB_SELECT} where j.tenant_id = $1 order by j.created_at desc, j.id desc limit $2`, [tenantId, limit]);
  return rows.map(toJob);
}

export async function findJob(db: Db, tenantId: string, jobId: string): Promise<Job | undefined> {
  const rows = await db.query<JobRow>(`${JOB_SELECT} where j.tenant_id = $1 and j.id = $2`, [tenantId, jobId]);
  return rows[0] && toJob(rows[0]);
}

interface ItemRow {
  id: string;
  job_id: string;
  ordinal: number;
  external_id: string;
  filename: string | null;
  byte_size: number;
  status: ItemStatus;
  error: string | null;
  attempts: number;
  document_id: string | null;
  version: number | null;
  chunk_count: number | null;
  unchanged: boolean | null;
  tags: string[] | null;
  created_at: Date;
  updated_at: Date;
}

const ITEM_COLUMNS = 'id, job_id, ordinal, external_id, filename, byte_size, status, error, attempts, document_id, version, chunk_count, unchanged, tags, created_at, updated_at';

function toItem(r: ItemRow): JobItem {
  return {
    id: r.id,
    jobId: r.job_id,
    ordinal: r.ordinal,
    externalId: r.external_id,
    filename: r.filename ?? undefined,
    byteSize: r.byte_size,
    status: r.status,
    error: r.error ?? undefined,
    attempts: r.attempts,
    documentId: r.document_id ?? undefined,
    version: r.version ?? undefined,
    chunks: r.chunk_count ?? undefined,
    unchanged: r.unchanged ?? undefined,
    tags: r.tags ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listJobItems(db: Db, tenantId: string, jobId: string): Promise<JobItem[]> {
  const rows = await db.query<ItemRow>(`select ${ITEM_COLUMNS} from ingestion_job_items where tenant_id = $1 and job_id = $2 order by ordinal`, [tenantId, jobId]);
  return rows.map(toItem);
}

/** The most recent job item for each of these external ids (what happened to the last upload). */
export async function latestItems(db: Db, tenantId: string, externalIds?: string[]): Promise<Map<string, JobItem>> {
  const rows = await db.query<ItemRow>(
    `select distinct on (external_id) ${ITEM_COLUMNS} from ingestion_job_items
      where tenant_id = $1 and ($2::text[] is null or external_id = any($2::text[]))
      order by external_id, created_at desc, ordinal desc`,
    [tenantId, externalIds ?? null],
  );
  return new Map(rows.map((r) => [r.external_id, toItem(r)]));
}

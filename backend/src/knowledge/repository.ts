import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import type { Chunk } from './chunker.js';

export interface DocumentFields {
  externalId: string;
  title: string;
  url?: string | undefined;
  content: string;
  checksum: string;
  format: string;
  byteSize: number;
}

export interface DocumentSummary {
  id: string;
  externalId: string;
  title: string;
  url: string | undefined;
  checksum: string;
  chunks: number;
  /** The current version (1 for the first ingest, +1 for each changed re-ingest). */
  version: number;
  format: string;
  byteSize: number;
  /** For agents' knowledge filters. */
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

interface SummaryRow {
  id: string;
  external_id: string;
  title: string;
  url: string | null;
  checksum: string;
  chunks: number;
  version: number;
  format: string;
  byte_size: number;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

const toSummary = (r: SummaryRow): DocumentSummary => ({
  id: r.id,
  externalId: r.external_id,
  title: r.title,
  url: r.url ?? undefined,
  checksum: r.checksum,
  chunks: r.chunks,
  version: r.version,
  format: r.format,
  byteSize: r.byte_size,
  tags: r.tags,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SUMMARY_SELECT = `
  select d.id, d.external_id, d.title, d.url, d.checksum, d.version, d.format, d.byte_size, d.tags, d.created_at, d.updated_at,
         (select count(*) from chunks c where c.document_id = d.id and c.tenant_id = d.tenant_id) as chunks
  from documents d`;

export async function listDocuments(db: Db, tenantId: string): Promise<DocumentSummary[]> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 order by d.external_id`, [tenantId]);
  return rows.map(toSummary);
}

export async function findDocumentById(db: Db, tenantId: string, documentId: string): Promise<DocumentSummary | undefined> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 and d.id = $2`, [tenantId, documentId]);
  return rows[0] && toSummary(rows[0]);
}

export async function findDocument(db: Db, tenantId: string, externalId: string): Promise<DocumentSummary | undefined> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 and d.external_id = $2`, [tenantId, externalId]);
  return rows[0] && toSummary(rows[0]);
}

export interface WrittenDocument {
  id: string;
  created: boolean;
  version: number;
}

/** The current summaries of several documents, by external id (absent ones are missing from the map). */
export async function findDocuments(db: Db, tenantId: string, externalIds: readonly string[]): Promise<Map<string, DocumentSummary>> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 and d.external_id = any($2::text[])`, [tenantId, [...externalIds]]);
  return new Map(rows.map((r) => [r.external_id, toSummary(r)]));
}

/**
 * Inserts each document or updates it when its checksum changed, bumping its version. One statement
 * per call, so two concurrent ingests of a new externalId cannot both insert, and the row locks it
 * takes serialise concurrent re-ingests of a document until the transaction ends. Rows are written in
 * external-id order, so two batches sharing documents lock them in the same order (no deadlock).
 * The external ids must be distinct. Returns the written documents by external id; one whose
 * stored checksum already matches (nothing to do) is missing from the map.
 */
export async function writeDocuments(db: Db, tenantId: string, docs: readonly DocumentFields[]): Promise<Map<string, WrittenDocument>> {
  const sorted = [...docs].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const column = <T>(pick: (d: DocumentFields) => T) => sorted.map(pick);
  const rows = await db.query<WrittenDocument & { external_id: string }>(
    `insert into documents (id, tenant_id, external_id, title, url, content, checksum, format, byte_size)
     select id, $1, external_id, title, url, content, checksum, format, byte_size
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[]) with ordinality
       as d(id, external_id, title, url, content, checksum, format, byte_size, n)
     order by n
     on conflict (tenant_id, external_id) do update
       set title = excluded.title, url = excluded.url, content = excluded.content,
           checksum = excluded.checksum, format = excluded.format, byte_size = excluded.byte_size,
           version = documents.version + 1, updated_at = now()
       where documents.checksum <> excluded.checksum
     returning external_id, id, (xmax = 0) as created, version`,
    [
      tenantId,
      sorted.map(() => newId('doc')),
      column((d) => d.externalId),
      column((d) => d.title),
      column((d) => d.url ?? null),
      column((d) => d.content),
      column((d) => d.checksum),
      column((d) => d.format),
      column((d) => d.byteSize),
    ],
  );
  return new Map(rows.map((r) => [r.external_id, { id: r.id, created: r.created, version: r.version }]));
}

/**
 * Replaces a document's tags (agents' knowledge filters) when they differ. Tags are not part of
 * the checksum: retagging changes no chunk, so it needs no new version. True when they changed.
 */
export async function setDocumentTags(db: Db, tenantId: string, documentId: string, tags: readonly string[]): Promise<boolean> {
  const rows = await db.query(
    `update documents set tags = $3::text[], updated_at = now()
     where tenant_id = $1 and id = $2 and tags is distinct from $3::text[] returning id`,
    [tenantId, documentId, [...tags]],
  );
  return rows.length > 0;
}

/** setDocumentTags for several documents in one statement. */
export async function setTagsOf(db: Db, tenantId: string, tagged: readonly { documentId: string; tags: readonly string[] }[]): Promise<void> {
  if (tagged.length === 0) return;
  await db.query(
    `update documents set tags = t.tags, updated_at = now()
     from (select x.id, array(select jsonb_array_elements_text(x.tags)) as tags
           from jsonb_to_recordset($2::jsonb) as x(id text, tags jsonb)) t
     where documents.tenant_id = $1 and documents.id = t.id and documents.tags is distinct from t.tags`,
    [tenantId, JSON.stringify(tagged.map((t) => ({ id: t.documentId, tags: t.tags })))],
  );
}

export interface DocumentChunks {
  documentId: string;
  title: string;
  chunks: readonly Chunk[];
  /** Created in this transaction: it has no chunks to delete. */
  isNew: boolean;
}

/**
 * Replaces all chunks of several documents: one delete for the ones that had chunks, one insert for
 * all the new chunks (so the search_terms trigger, 004, aggregates the whole batch once). Call
 * inside the transaction that wrote the documents. Returns each document's new chunk ids in order.
 */
export async function replaceChunksOf(tx: Db, tenantId: string, docs: readonly DocumentChunks[]): Promise<string[][]> {
  const replaced = docs.filter((d) => !d.isNew).map((d) => d.documentId);
  if (replaced.length > 0) await tx.query('delete from chunks where tenant_id = $1 and document_id = any($2::text[])', [tenantId, replaced]);
  const ids = docs.map((d) => d.chunks.map(() => newId('chk')));
  const rows = docs.flatMap((d, i) => d.chunks.map((chunk, j) => ({ id: ids[i]![j]!, doc: d, chunk })));
  if (rows.length === 0) return ids;
  // One statement for all chunks: arrays unnested in parallel.
  await tx.query(
    `insert into chunks (id, tenant_id, document_id, title, ordinal, section, content, token_count)
     select id, $1, document_id, title, ordinal, section, content, token_count
     from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::int[])
       as c(id, document_id, title, ordinal, section, content, token_count)`,
    [
      tenantId,
      rows.map((r) => r.id),
      rows.map((r) => r.doc.documentId),
      rows.map((r) => r.doc.title),
      rows.map((r) => r.chunk.ordinal),
      rows.map((r) => r.chunk.section ?? null),
      rows.map((r) => r.chunk.content),
      rows.map((r) => r.chunk.tokens),
    ],
  );
  return ids;
}

export interface DocumentVersion {
  version: number;
  checksum: string;
  title: string;
  url: string | undefined;
  format: string;
  byteSize: number;
  chunkCount: number;
  createdAt: Date;
}

/**
 * How many of a document's newest versions keep their text. Older ones keep their metadata only:
 * a document re-uploaded every night must not grow without end, and what changed lately is what
 * staff look at.
 */
export const VERSION_TEXTS_KEPT = 10;

export interface VersionRecord extends Omit<DocumentVersion, 'createdAt'> {
  documentId: string;
  content: string;
}

/**
 * Records versions' metadata and text (what the console's diff between versions compares), and
 * lets go of the text of each document's versions older than its newest VERSION_TEXTS_KEPT; call
 * inside the transaction that wrote them. Two statements, however many versions.
 */
export async function recordVersions(tx: Db, tenantId: string, versions: readonly VersionRecord[]): Promise<void> {
  if (versions.length === 0) return;
  const column = <T>(pick: (v: VersionRecord) => T) => versions.map(pick);
  await tx.query(
    `insert into document_versions (tenant_id, document_id, version, checksum, title, url, format, byte_size, chunk_count, content)
     select $1, document_id, version, checksum, title, url, format, byte_size, chunk_count, content
     from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[])
       as v(document_id, version, checksum, title, url, format, byte_size, chunk_count, content)`,
    [
      tenantId,
      column((v) => v.documentId),
      column((v) => v.version),
      column((v) => v.checksum),
      column((v) => v.title),
      column((v) => v.url ?? null),
      column((v) => v.format),
      column((v) => v.byteSize),
      column((v) => v.chunkCount),
      column((v) => v.content),
    ],
  );
  await tx.query(
    `update document_versions v set content = null
     from unnest($2::text[], $3::int[]) as x(document_id, version)
     where v.tenant_id = $1 and v.document_id = x.document_id and v.version <= x.version and v.content is not null`,
    [tenantId, column((v) => v.documentId), column((v) => v.version - VERSION_TEXTS_KEPT)],
  );
}

/**
 * The text of some of a document's versions, by version number. A version missing from the map
 * does not exist; one mapped to undefined has no text kept (older than the newest VERSION_TEXTS_KEPT,
 * or recorded before versions kept their text, migration 028).
 */
export async function versionTexts(db: Db, tenantId: string, documentId: string, versions: readonly number[]): Promise<Map<number, string | undefined>> {
  const rows = await db.query<{ version: number; content: string | null }>(
    'select version, content from document_versions where tenant_id = $1 and document_id = $2 and version = any($3::int[])',
    [tenantId, documentId, [...versions]],
  );
  return new Map(rows.map((r) => [r.version, r.content ?? undefined]));
}

/** A document's versions, newest first. */
export async function listVersions(db: Db, tenantId: string, documentId: string): Promise<DocumentVersion[]> {
  const rows = await db.query<{ version: number; checksum: string; title: string; url: string | null; format: string; byte_size: number; chunk_count: number; created_at: Date }>(
    `select version, checksum, title, url, format, byte_size, chunk_count, created_at from document_versions
     where tenant_id = $1 and document_id = $2 order by version desc`,
    [tenantId, documentId],
  );
  return rows.map((r) => ({
    version: r.version,
    checksum: r.checksum,
    title: r.title,
    url: r.url ?? undefined,
    format: r.format,
    byteSize: r.byte_size,
    chunkCount: r.chunk_count,
    createdAt: r.created_at,
  }));
}

/** The ids of a document's chunks in order. */
export async function chunkIdsOf(db: Db, tenantId: string, documentId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('select id from chunks where tenant_id = $1 and document_id = $2 order by ordinal', [tenantId, documentId]);
  return rows.map((r) => r.id);
}

/** Deletes a document and (by cascade) its chunks. True when it existed. */
export async function deleteDocument(db: Db, tenantId: string, externalId: string): Promise<boolean> {
  const rows = await db.query('delete from documents where tenant_id = $1 and external_id = $2 returning id', [tenantId, externalId]);
  return rows.length > 0;
}

export interface StoredChunk {
  id: string;
  documentId: string;
  ordinal: number;
  section: string | undefined;
  content: string;
  tokens: number | undefined;
}

/** A document's chunks in order (for tests, admin and debugging). */
export async function listChunks(db: Db, tenantId: string, documentId: string): Promise<StoredChunk[]> {
  const rows = await db.query<{ id: string; document_id: string; ordinal: number; section: string | null; content: string; token_count: number | null }>(
    'select id, document_id, ordinal, section, content, token_count from chunks where tenant_id = $1 and document_id = $2 order by ordinal',
    [tenantId, documentId],
  );
  return rows.map((r) => ({
    id: r.id,
    documentId: r.document_id,
    ordinal: r.ordinal,
    section: r.section ?? undefined,
    content: r.content,
    tokens: r.token_count ?? undefined,
  }));
}

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

/**
 * Inserts the document or updates it when its checksum changed, bumping its version. One statement,
 * so two concurrent ingests of a new externalId cannot both insert, and the row lock it takes
 * serialises concurrent re-ingests of one document until the transaction ends. Returns undefined
 * when the stored checksum already matches (nothing to do).
 */
export async function writeDocument(db: Db, tenantId: string, doc: DocumentFields): Promise<{ id: string; created: boolean; version: number } | undefined> {
  const rows = await db.query<{ id: string; created: boolean; version: number }>(
    `insert into documents (id, tenant_id, external_id, title, url, content, checksum, format, byte_size)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (tenant_id, external_id) do update
       set title = excluded.title, url = excluded.url, content = excluded.content,
           checksum = excluded.checksum, format = excluded.format, byte_size = excluded.byte_size,
           version = documents.version + 1, updated_at = now()
       where documents.checksum <> excluded.checksum
     returning id, (xmax = 0) as created, version`,
    [newId('doc'), tenantId, doc.externalId, doc.title, doc.url ?? null, doc.content, doc.checksum, doc.format, doc.byteSize],
  );
  return rows[0];
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

/** Replaces all chunks of a document; call inside the transaction that wrote the document. Returns the new chunk ids in order. */
export async function replaceChunks(tx: Db, tenantId: string, documentId: string, title: string, chunks: Chunk[], opts: { isNew?: boolean } = {}): Promise<string[]> {
  // A document created in this transaction has no chunks yet.
  if (!opts.isNew) await tx.query('delete from chunks where tenant_id = $1 and document_id = $2', [tenantId, documentId]);
  if (chunks.length === 0) return [];
  const ids = chunks.map(() => newId('chk'));
  // One statement for all chunks: arrays unnested in parallel.
  await tx.query(
    `insert into chunks (id, tenant_id, document_id, title, ordinal, section, content, token_count)
     select id, $1, $2, $3, ordinal, section, content, token_count
     from unnest($4::text[], $5::int[], $6::text[], $7::text[], $8::int[]) as c(id, ordinal, section, content, token_count)`,
    [
      tenantId,
      documentId,
      title,
      ids,
      chunks.map((c) => c.ordinal),
      chunks.map((c) => c.section ?? null),
      chunks.map((c) => c.content),
      chunks.map((c) => c.tokens),
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

/**
 * Records a version's metadata and its text (what the console's diff between versions compares),
 * and lets go of the text of versions older than the newest VERSION_TEXTS_KEPT; call inside the
 * transaction that wrote it.
 */
export async function recordVersion(tx: Db, tenantId: string, documentId: string, v: Omit<DocumentVersion, 'createdAt'> & { content: string }): Promise<void> {
  await tx.query(
    `insert into document_versions (tenant_id, document_id, version, checksum, title, url, format, byte_size, chunk_count, content)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [tenantId, documentId, v.version, v.checksum, v.title, v.url ?? null, v.format, v.byteSize, v.chunkCount, v.content],
  );
  await tx.query('update document_versions set content = null where tenant_id = $1 and document_id = $2 and version <= $3 and content is not null', [
    tenantId,
    documentId,
    v.version - VERSION_TEXTS_KEPT,
  ]);
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

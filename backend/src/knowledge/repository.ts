import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import type { Chunk } from './chunker.js';

export interface DocumentFields {
  externalId: string;
  title: string;
  url?: string | undefined;
  content: string;
  checksum: string;
}

export interface DocumentSummary {
  id: string;
  externalId: string;
  title: string;
  url: string | undefined;
  checksum: string;
  chunks: number;
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
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SUMMARY_SELECT = `
  select d.id, d.external_id, d.title, d.url, d.checksum, d.created_at, d.updated_at,
         (select count(*) from chunks c where c.document_id = d.id and c.tenant_id = d.tenant_id) as chunks
  from documents d`;

export async function listDocuments(db: Db, tenantId: string): Promise<DocumentSummary[]> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 order by d.external_id`, [tenantId]);
  return rows.map(toSummary);
}

export async function findDocument(db: Db, tenantId: string, externalId: string): Promise<DocumentSummary | undefined> {
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.tenant_id = $1 and d.external_id = $2`, [tenantId, externalId]);
  return rows[0] && toSummary(rows[0]);
}

/**
 * Inserts the document or updates it when its checksum changed. One statement, so two concurrent
 * ingests of a new externalId cannot both insert. Returns undefined when the stored checksum
 * already matches (nothing to do).
 */
export async function writeDocument(db: Db, tenantId: string, doc: DocumentFields): Promise<{ id: string; created: boolean } | undefined> {
  const rows = await db.query<{ id: string; created: boolean }>(
    `insert into documents (id, tenant_id, external_id, title, url, content, checksum)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, external_id) do update
       set title = excluded.title, url = excluded.url, content = excluded.content,
           checksum = excluded.checksum, updated_at = now()
       where documents.checksum <> excluded.checksum
     returning id, (xmax = 0) as created`,
    [newId('doc'), tenantId, doc.externalId, doc.title, doc.url ?? null, doc.content, doc.checksum],
  );
  return rows[0];
}

/** Replaces all chunks of a document; call inside the transaction that wrote the document. */
export async function replaceChunks(tx: Db, tenantId: string, documentId: string, title: string, chunks: Chunk[]): Promise<void> {
  await tx.query('delete from chunks where tenant_id = $1 and document_id = $2', [tenantId, documentId]);
  if (chunks.length === 0) return;
  // One statement for all chunks: arrays unnested in parallel.
  await tx.query(
    `insert into chunks (id, tenant_id, document_id, title, ordinal, section, content)
     select id, $1, $2, $3, ordinal, section, content
     from unnest($4::text[], $5::int[], $6::text[], $7::text[]) as c(id, ordinal, section, content)`,
    [
      tenantId,
      documentId,
      title,
      chunks.map(() => newId('chk')),
      chunks.map((c) => c.ordinal),
      chunks.map((c) => c.section ?? null),
      chunks.map((c) => c.content),
    ],
  );
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
}

/** A document's chunks in order (for tests, admin and debugging). */
export async function listChunks(db: Db, tenantId: string, documentId: string): Promise<StoredChunk[]> {
  const rows = await db.query<{ id: string; document_id: string; ordinal: number; section: string | null; content: string }>(
    'select id, document_id, ordinal, section, content from chunks where tenant_id = $1 and document_id = $2 order by ordinal',
    [tenantId, documentId],
  );
  return rows.map((r) => ({ id: r.id, documentId: r.document_id, ordinal: r.ordinal, section: r.section ?? undefined, content: r.content }));
}

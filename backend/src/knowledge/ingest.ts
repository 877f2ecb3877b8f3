import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import { chunkMarkdown } from './chunker.js';
import { findDocument, replaceChunks, writeDocument } from './repository.js';

export { deleteDocument, listDocuments } from './repository.js';

export interface DocumentInput {
  /** The tenant's own id for the document; the same id replaces the earlier version. */
  externalId: string;
  title: string;
  url?: string | undefined;
  /** Markdown or plain text. */
  content: string;
}

export interface UpsertResult {
  documentId: string;
  chunks: number;
  /** The stored document already had this exact title, url and content: nothing was written. */
  unchanged: boolean;
  created: boolean;
}

/** Covers everything that ends up in chunks, so a title or url change re-ingests too. */
export function documentChecksum(input: DocumentInput): string {
  return createHash('sha256').update(JSON.stringify([input.title, input.url ?? null, input.content])).digest('hex');
}

/**
 * Adds or replaces a document and its chunks in one transaction: searches see either the old
 * chunks or the new ones, never a mix or none.
 */
export async function upsertDocument(db: Db, tenantId: string, input: DocumentInput): Promise<UpsertResult> {
  const checksum = documentChecksum(input);
  return db.transaction(async (tx) => {
    const written = await writeDocument(tx, tenantId, { ...input, checksum });
    if (!written) {
      const existing = await findDocument(tx, tenantId, input.externalId);
      if (!existing) throw new Error(`document ${input.externalId} vanished during upsert`);
      return { documentId: existing.id, chunks: existing.chunks, unchanged: true, created: false };
    }
    const chunks = chunkMarkdown(input.content);
    await replaceChunks(tx, tenantId, written.id, input.title, chunks);
    return { documentId: written.id, chunks: chunks.length, unchanged: false, created: written.created };
  });
}

import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import { chunkMarkdown, resolveChunkOptions, SECTION_SEPARATOR, type Chunk, type ChunkOptions } from './chunker.js';
import { parseDocument, type DocumentFormat, type ParsedDocument, type ParseInput } from './parse/index.js';
import type { DocumentParser } from './parse/sandbox.js';
import { anchorLearnedQuestions } from './learning/store.js';
import { chunkIdsOf, findDocument, recordVersion, replaceChunks, setDocumentTags, writeDocument } from './repository.js';

export { deleteDocument, listDocuments } from './repository.js';

export interface DocumentInput {
  /** The tenant's own id for the document; the same id replaces the earlier version. */
  externalId: string;
  title: string;
  url?: string | undefined;
  /** Markdown: its headings give the sections (other formats go through parse/ first, see ingestFile). */
  content: string;
  /** What the content was parsed from (stored with the version). Default 'markdown'. */
  format?: DocumentFormat | undefined;
  /** Size of what was uploaded, in bytes. Default: the content's UTF-8 size. */
  byteSize?: number | undefined;
  /** For agents' knowledge filters: replaces the stored tags. Undefined keeps them (none for a new document). */
  tags?: readonly string[] | undefined;
}

/**
 * Called after a document's chunks are committed, with their ids, to compute what else the search
 * needs for them: knowledge/search's indexChunkEmbeddings (a no-op where the vector channel is off).
 * Must be safe to call again for the same chunks: a retried job item calls it for an unchanged
 * document (its chunks were committed but indexing them failed). A throw makes a job item retry.
 */
export type ChunkIndexer = (db: Db, tenantId: string, chunkIds: string[]) => Promise<void>;

export interface IngestOptions extends ChunkOptions {
  /** The embedding step; none = lexical search only. */
  indexChunks?: ChunkIndexer | undefined;
  /** Call indexChunks for an unchanged document too (a retry after indexing failed). */
  reindexUnchanged?: boolean | undefined;
}

export interface UpsertResult {
  documentId: string;
  chunks: number;
  /** The document's current version after this call. */
  version: number;
  /** The stored document already had this exact checksum: nothing was written. */
  unchanged: boolean;
  created: boolean;
}

/**
 * Covers everything that ends up in chunks (title, url, text) and how it is cut (budget, overlap),
 * so a change to any of them re-ingests, and nothing else does.
 */
export function documentChecksum(input: Pick<DocumentInput, 'title' | 'url' | 'content'>, chunking: ChunkOptions = {}): string {
  const { maxTokens, overlapTokens } = resolveChunkOptions(chunking);
  return createHash('sha256').update(JSON.stringify([input.title, input.url ?? null, input.content, maxTokens, overlapTokens])).digest('hex');
}

/**
 * Adds or replaces a document and its chunks in one transaction: searches see either the old
 * chunks or the new ones, never a mix or none. The new version's metadata is recorded next to the
 * earlier versions'. An unchanged checksum writes nothing. After the commit, `indexChunks` runs.
 */
export async function upsertDocument(db: Db, tenantId: string, input: DocumentInput, opts: IngestOptions = {}): Promise<UpsertResult> {
  const content = input.content;
  const checksum = documentChecksum(input, opts);
  const format = input.format ?? 'markdown';
  const byteSize = input.byteSize ?? Buffer.byteLength(content, 'utf8');
  // Chunk before the transaction: it is CPU work that should not hold the document's row lock.
  const chunks = withoutTitleHeading(chunkMarkdown(content, opts), input.title);
  const result = await db.transaction(async (tx) => {
    const written = await writeDocument(tx, tenantId, { ...input, content, checksum, format, byteSize });
    if (written && input.tags) await setDocumentTags(tx, tenantId, written.id, input.tags);
    if (!written) {
      const existing = await findDocument(tx, tenantId, input.externalId);
      if (!existing) throw new Error(`document ${input.externalId} vanished during upsert`);
      if (input.tags) await setDocumentTags(tx, tenantId, existing.id, input.tags);
      return { documentId: existing.id, chunks: existing.chunks, version: existing.version, unchanged: true, created: false, chunkIds: undefined };
    }
    const chunkIds = await replaceChunks(tx, tenantId, written.id, input.title, chunks, { isNew: written.created });
    // Questions learned for the replaced chunks move to the new chunk that matches them best.
    if (!written.created) await anchorLearnedQuestions(tx, tenantId, written.id);
    await recordVersion(tx, tenantId, written.id, {
      version: written.version,
      checksum,
      title: input.title,
      url: input.url,
      format,
      byteSize,
      chunkCount: chunks.length,
      content,
    });
    return { documentId: written.id, chunks: chunks.length, version: written.version, unchanged: false, created: written.created, chunkIds };
  });
  if (opts.indexChunks && (result.chunkIds || opts.reindexUnchanged)) {
    const ids = result.chunkIds ?? (await chunkIdsOf(db, tenantId, result.documentId));
    if (ids.length > 0) await opts.indexChunks(db, tenantId, ids);
  }
  const { chunkIds: _ids, ...out } = result;
  return out;
}

/**
 * Drops a leading heading that only repeats the document's title from each chunk's section path.
 * The title is indexed (and weighted) on its own; kept in the path too, it would count twice and
 * make a document's short intro outrank the section that actually answers.
 */
function withoutTitleHeading(chunks: Chunk[], title: string): Chunk[] {
  const same = (heading: string | undefined) => heading?.trim().toLowerCase() === title.trim().toLowerCase();
  return chunks.map((chunk) => {
    if (!same(chunk.headings[0])) return chunk;
    const headings = chunk.headings.slice(1);
    return { ...chunk, headings, section: headings.length > 0 ? headings.join(SECTION_SEPARATOR) : undefined };
  });
}

/** A parsed document (any format) into the tenant's knowledge base under `externalId`. */
export function upsertParsed(
  db: Db,
  tenantId: string,
  externalId: string,
  doc: ParsedDocument,
  byteSize: number,
  opts: IngestOptions = {},
  tags?: readonly string[],
): Promise<UpsertResult> {
  return upsertDocument(db, tenantId, { externalId, title: doc.title, url: doc.url, content: doc.markdown, format: doc.format, byteSize, tags }, opts);
}

export interface FileInput extends ParseInput {
  externalId: string;
  /** See DocumentInput.tags. */
  tags?: readonly string[] | undefined;
}

export interface FileIngestOptions extends IngestOptions {
  /**
   * How the file is parsed: a ParseSandbox's parse for uploads (memory, time and format limits,
   * off the API's thread); default parseDocument in this thread, with the format limits only.
   */
  parse?: DocumentParser | undefined;
}

/**
 * Parses a file of any supported format and upserts it: the one path that the admin API's jobs,
 * the CLI and the eval command share. A ParseError (unsupported, unreadable, empty, over a limit)
 * is thrown before anything is written.
 */
export async function ingestFile(db: Db, tenantId: string, file: FileInput, opts: FileIngestOptions = {}): Promise<UpsertResult & { title: string; format: DocumentFormat }> {
  const { parse = parseDocument, ...ingest } = opts;
  const parsed = await parse(file);
  const result = await upsertParsed(db, tenantId, file.externalId, parsed, file.bytes.byteLength, ingest, file.tags);
  return { ...result, title: parsed.title, format: parsed.format };
}

import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import {
  chunkMarkdown,
  resolveChunkOptions,
  SECTION_SEPARATOR,
  type Chunk,
  type ChunkOptions,
  type CutChunks,
  type MarkdownChunker,
  type ResolvedChunkOptions,
} from './chunker.js';
import { parseDocument, type DocumentFormat, type ParseInput } from './parse/index.js';
import type { CutDocument, DocumentParser } from './parse/sandbox.js';
import { anchorLearnedQuestions } from './learning/store.js';
import { chunkIdsOf, findDocuments, recordVersions, replaceChunksOf, setTagsOf, writeDocuments, type WrittenDocument } from './repository.js';

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
  /** `content`'s chunks, cut ahead in an ingestion thread; used when cut with this upsert's options, else it cuts. */
  cut?: CutChunks | undefined;
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
  /**
   * Where documents without `cut` chunks are cut: a SandboxPool's chunk (an ingestion thread, off
   * this event loop); default chunkMarkdown in this thread.
   */
  chunk?: MarkdownChunker | undefined;
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
  const [result] = await upsertDocuments(db, tenantId, [input], opts);
  return result!;
}

/**
 * upsertDocument for many documents of one tenant in ONE transaction, each with the same outcome
 * it would have alone (a later input with the same externalId replaces an earlier one, in order).
 * All or nothing: a failure rolls every document back. The statements are per batch, not per
 * document (see repository.ts), so the per-statement search_terms trigger counts a word once for the
 * batch instead of once per document: the bulk path for the CLI, the job worker and eval.
 * Results are in the inputs' order. After the commit, `indexChunks` runs for each document in turn.
 */
export async function upsertDocuments(db: Db, tenantId: string, inputs: readonly DocumentInput[], opts: IngestOptions = {}): Promise<UpsertResult[]> {
  const results = await writeDocumentBatch(db, tenantId, inputs, opts);
  for (const result of results) {
    if (!opts.indexChunks || !(result.chunkIds || opts.reindexUnchanged)) continue;
    const ids = result.chunkIds ?? (await chunkIdsOf(db, tenantId, result.documentId));
    if (ids.length > 0) await opts.indexChunks(db, tenantId, ids);
  }
  return results.map(({ chunkIds: _ids, ...out }) => out);
}

/** A document's outcome with its new chunks' ids (undefined: unchanged, nothing written). */
export type IndexedResult = UpsertResult & { chunkIds: string[] | undefined };

/**
 * upsertDocuments without the indexing after the commit: for a caller that indexes each document on
 * its own (the job worker, so one failing embedding fails one item), with the new chunks' ids.
 */
export async function writeDocumentBatch(db: Db, tenantId: string, inputs: readonly DocumentInput[], opts: IngestOptions = {}): Promise<IndexedResult[]> {
  // Checksum and chunking before the transaction: CPU work that should not hold the rows' locks.
  const prepared = await prepareDocuments(inputs, opts);
  return db.transaction(async (tx) => {
    const out: IndexedResult[] = [];
    for (const run of distinctRuns(prepared)) out.push(...(await writeRun(tx, tenantId, run)));
    return out;
  });
}

interface PreparedDocument {
  input: DocumentInput;
  checksum: string;
  format: DocumentFormat;
  byteSize: number;
  chunks: Chunk[];
}

/** Checksums and chunks of the inputs; the ones not cut ahead are cut together, in one task where `opts.chunk` says. */
async function prepareDocuments(inputs: readonly DocumentInput[], opts: IngestOptions): Promise<PreparedDocument[]> {
  const options = resolveChunkOptions(opts);
  const uncut = inputs.filter((input) => !cutWith(input.cut, options));
  const texts = uncut.map((input) => input.content);
  const cuts = texts.length === 0 ? [] : opts.chunk ? await opts.chunk(texts, options) : texts.map((text) => chunkMarkdown(text, options));
  const cutOf = new Map(uncut.map((input, i) => [input, cuts[i]!]));
  return inputs.map((input) => ({
    input,
    checksum: documentChecksum(input, options),
    format: input.format ?? 'markdown',
    byteSize: input.byteSize ?? Buffer.byteLength(input.content, 'utf8'),
    chunks: withoutTitleHeading(cutOf.get(input) ?? input.cut!.chunks, input.title),
  }));
}

function cutWith(cut: CutChunks | undefined, options: ResolvedChunkOptions): boolean {
  return cut !== undefined && cut.options.maxTokens === options.maxTokens && cut.options.overlapTokens === options.overlapTokens;
}

/** Consecutive runs without a repeated externalId: one statement cannot write a row twice. */
function distinctRuns(docs: readonly PreparedDocument[]): PreparedDocument[][] {
  const runs: PreparedDocument[][] = [];
  let seen = new Set<string>();
  for (const doc of docs) {
    if (runs.length === 0 || seen.has(doc.input.externalId)) {
      runs.push([]);
      seen = new Set();
    }
    seen.add(doc.input.externalId);
    runs.at(-1)!.push(doc);
  }
  return runs;
}

/** One run's documents, chunks, moved learned questions and versions, each a statement or two for the whole run. */
async function writeRun(tx: Db, tenantId: string, run: readonly PreparedDocument[]): Promise<IndexedResult[]> {
  const written = await writeDocuments(
    tx,
    tenantId,
    run.map((d) => ({ ...d.input, checksum: d.checksum, format: d.format, byteSize: d.byteSize })),
  );
  const unchanged = run.filter((d) => !written.has(d.input.externalId)).map((d) => d.input.externalId);
  const existing = unchanged.length > 0 ? await findDocuments(tx, tenantId, unchanged) : new Map();
  const idOf = (d: PreparedDocument): string => {
    const id = written.get(d.input.externalId)?.id ?? existing.get(d.input.externalId)?.id;
    if (!id) throw new Error(`document ${d.input.externalId} vanished during upsert`);
    return id;
  };
  await setTagsOf(tx, tenantId, run.filter((d) => d.input.tags).map((d) => ({ documentId: idOf(d), tags: d.input.tags! })));

  const changed = run.filter((d) => written.has(d.input.externalId)).map((d) => ({ doc: d, row: written.get(d.input.externalId) as WrittenDocument }));
  const chunkIds = await replaceChunksOf(
    tx,
    tenantId,
    changed.map(({ doc, row }) => ({ documentId: row.id, title: doc.input.title, chunks: doc.chunks, isNew: row.created })),
  );
  // Questions learned for the replaced chunks move to the new chunk that matches them best.
  const replaced = changed.filter(({ row }) => !row.created).map(({ row }) => row.id);
  if (replaced.length > 0) await anchorLearnedQuestions(tx, tenantId, replaced);
  await recordVersions(
    tx,
    tenantId,
    changed.map(({ doc, row }) => ({
      documentId: row.id,
      version: row.version,
      checksum: doc.checksum,
      title: doc.input.title,
      url: doc.input.url,
      format: doc.format,
      byteSize: doc.byteSize,
      chunkCount: doc.chunks.length,
      content: doc.input.content,
    })),
  );
  const idsByDocument = new Map(changed.map(({ row }, i) => [row.id, chunkIds[i]!]));
  return run.map((d) => {
    const row = written.get(d.input.externalId);
    if (row) return { documentId: row.id, chunks: d.chunks.length, version: row.version, unchanged: false, created: row.created, chunkIds: idsByDocument.get(row.id) };
    const stored = existing.get(d.input.externalId)!;
    return { documentId: stored.id, chunks: stored.chunks, version: stored.version, unchanged: true, created: false, chunkIds: undefined };
  });
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
  doc: CutDocument,
  byteSize: number,
  opts: IngestOptions = {},
  tags?: readonly string[],
): Promise<UpsertResult> {
  return upsertDocument(db, tenantId, parsedInput(externalId, doc, byteSize, tags), opts);
}

/** A parsed document (with its chunks, when its parser cut them) as the input of upsertDocument(s). */
export function parsedInput(externalId: string, doc: CutDocument, byteSize: number, tags?: readonly string[]): DocumentInput {
  return { externalId, title: doc.title, url: doc.url, content: doc.markdown, format: doc.format, byteSize, tags, cut: doc.cut };
}

export interface FileInput extends ParseInput {
  externalId: string;
  /** See DocumentInput.tags. */
  tags?: readonly string[] | undefined;
}

export interface FileIngestOptions extends IngestOptions {
  /**
   * How the file is parsed: a SandboxPool's parse for uploads (memory, time and format limits, and
   * the chunking too, off the API's thread); default parseDocument in this thread, with the format
   * limits only.
   */
  parse?: DocumentParser | undefined;
}

/**
 * Parses a file of any supported format and upserts it: the one path that the admin API's jobs,
 * the CLI and the eval command share. A ParseError (unsupported, unreadable, empty, over a limit)
 * is thrown before anything is written.
 */
export async function ingestFile(db: Db, tenantId: string, file: FileInput, opts: FileIngestOptions = {}): Promise<UpsertResult & { title: string; format: DocumentFormat }> {
  const { parse = parseInThisThread, ...ingest } = opts;
  // Checked here, before the file goes anywhere: bad options are the caller's (a RangeError), not the file's.
  const parsed = await parse(file, resolveChunkOptions(ingest));
  const result = await upsertParsed(db, tenantId, file.externalId, parsed, file.bytes.byteLength, ingest, file.tags);
  return { ...result, title: parsed.title, format: parsed.format };
}

/** parseDocument as a DocumentParser: it does not cut, so upsertDocuments does (where opts.chunk says). */
const parseInThisThread: DocumentParser = (input) => parseDocument(input);

import type { Db } from '../../db/db.js';
import type { Logger } from '../../logger.js';
import { resolveChunkOptions, type ChunkOptions, type MarkdownChunker } from '../chunker.js';
import { ingestFile, parsedInput, writeDocumentBatch, type ChunkIndexer, type IndexedResult, type UpsertResult } from '../ingest.js';
import { chunkIdsOf } from '../repository.js';
import { ParseError, parseDocument } from '../parse/index.js';
import type { CutDocument, DocumentParser } from '../parse/sandbox.js';
import { claimNextItems, markItemFailed, markItemReady, markItemsReady, msUntilNextDue, scheduleItemRetry, type ClaimedItem } from './repository.js';

/** Attempts per document before a transient failure becomes a failed item. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** First retry delay; doubled for each further attempt (0.5 s, 1 s, 2 s …). */
export const DEFAULT_RETRY_BASE_MS = 500;
/** How long a worker may hold an item before another worker may assume it died and take it. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** Upper bound on a sleep while waiting for a retry to come due (a kick wakes it earlier). */
const MAX_IDLE_WAIT_MS = 5_000;
/**
 * Items of one tenant ingested in one transaction (see ingest.ts upsertDocuments): one statement
 * per batch instead of per document, and the search_terms trigger counts a word once per batch.
 */
export const DEFAULT_BATCH_ITEMS = 100;
/** Only files up to this size join a batch (a larger one goes alone), so a batch stays small in memory. */
export const BATCH_ITEM_MAX_BYTES = 256 * 1024;

export type WorkerEvent =
  | { type: 'started'; item: ClaimedItem }
  | { type: 'ready'; item: ClaimedItem; result: UpsertResult & { title: string } }
  | { type: 'retry'; item: ClaimedItem; error: string; delayMs: number }
  | { type: 'failed'; item: ClaimedItem; error: string };

export interface WorkerOptions {
  log: Logger;
  /** Only this job's items (the CLI runs its own job); default every tenant's queue. */
  jobId?: string | undefined;
  maxAttempts?: number | undefined;
  retryBaseMs?: number | undefined;
  leaseMs?: number | undefined;
  /** Most items ingested in one transaction (default DEFAULT_BATCH_ITEMS; 1 = one at a time). */
  batchItems?: number | undefined;
  chunking?: ChunkOptions | undefined;
  /** The embedding step after chunks are written (see ingest.ts ChunkIndexer). */
  indexChunks?: ChunkIndexer | undefined;
  /** How files are parsed (and cut into chunks): a SandboxPool's parse (see ingest.ts FileIngestOptions). */
  parse?: DocumentParser | undefined;
  /** Where texts a parser did not cut are cut: a SandboxPool's chunk (see ingest.ts IngestOptions). */
  chunk?: MarkdownChunker | undefined;
  onEvent?: ((event: WorkerEvent) => void) | undefined;
  /**
   * Whether a wait for a retry keeps the process alive (default true: the CLI waits for its job).
   * A server passes false so a pending retry never delays its exit; the item stays queued.
   */
  keepAlive?: boolean | undefined;
}

/**
 * Failures worth another attempt. A ParseError (bad file) will fail the same way again, so it
 * fails its item at once; so does a RangeError from bad chunking options. Everything else (a
 * serialization failure or deadlock, a dropped connection, the embedding endpoint's 429/5xx or
 * timeout) is retried with backoff up to maxAttempts.
 */
export function isPermanentFailure(err: unknown): boolean {
  return err instanceof ParseError || err instanceof RangeError || (err as { permanent?: unknown })?.permanent === true;
}

/**
 * The background ingestion loop, in-process: takes the next queued item, with more small ones of the
 * same tenant when they are due (a batch), parses each (through `parse`: the server and the CLI hand
 * it a SandboxPool, so parsing and chunking run off this thread under limits) and ingests the batch in one
 * transaction; when that fails, each item again in its own transaction, so a failure never touches
 * what other items indexed. Records each item's outcome,
 * and goes on until nothing is due; retries wait in the queue with a backoff (next_attempt_at).
 * `kick()` after queueing work; `run()` to process until the queue (or the job) is empty.
 */
export class IngestionWorker {
  private running: Promise<void> | undefined;
  private kicked = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Db,
    private readonly opts: WorkerOptions,
  ) {
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.retryBaseMs = opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** New work was queued: start the loop if idle, or wake it from a backoff sleep. */
  kick(): void {
    if (this.stopped) return;
    this.kicked = true;
    if (this.wake) this.wake();
    if (!this.running) this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Processes until nothing is pending (retries included). Resolves when idle. */
  async run(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Stops after the item in hand; pending items stay queued for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      let items: ClaimedItem[];
      try {
        items = await claimNextItems(this.db, {
          jobId: this.opts.jobId,
          leaseMs: this.leaseMs,
          limit: this.opts.batchItems ?? DEFAULT_BATCH_ITEMS,
          smallBytes: BATCH_ITEM_MAX_BYTES,
        });
        if (items.length === 0) {
          const wait = await msUntilNextDue(this.db, { jobId: this.opts.jobId });
          if (wait === undefined) {
            if (this.kicked) continue;
            return;
          }
          await this.sleep(Math.min(Math.max(wait, 10), MAX_IDLE_WAIT_MS));
          continue;
        }
      } catch (err) {
        // The database went away (shutdown) or failed: leave the queue as it is; leases expire.
        if (!this.stopped) this.opts.log.warn('ingestion worker stopped on a database error', { error: message(err) });
        return;
      }
      if (items.length === 1) await this.process(items[0]!);
      else await this.processBatch(items);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      if (this.opts.keepAlive === false) timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private async process(item: ClaimedItem, alreadyStarted = false): Promise<void> {
    const { db, opts } = this;
    if (!alreadyStarted) opts.onEvent?.({ type: 'started', item });
    try {
      const result = await ingestFile(
        db,
        item.tenantId,
        { externalId: item.externalId, bytes: item.bytes, filename: item.filename, mimeType: item.mimeType, format: item.format, title: item.title, url: item.url, tags: item.tags },
        { ...opts.chunking, indexChunks: opts.indexChunks, reindexUnchanged: item.attempts > 1, parse: opts.parse, chunk: opts.chunk },
      );
      await this.recordReady(item, result);
    } catch (err) {
      await this.recordFailure(item, err);
    }
  }

  /**
   * Several items of one tenant: parsed and cut into chunks (a file that fails to parse fails alone;
   * with a SandboxPool of several threads, several at once), then ingested in one transaction. If
   * that transaction fails, each parsed item is processed again on its own, with its own retries.
   * Embedding (indexChunks) runs per item after the commit.
   */
  private async processBatch(items: ClaimedItem[]): Promise<void> {
    const { db, opts } = this;
    const parse = opts.parse ?? ((input) => parseDocument(input));
    for (const item of items) opts.onEvent?.({ type: 'started', item });
    const outcomes = await Promise.all(
      items.map(async (item) => {
        try {
          const input = { bytes: item.bytes, filename: item.filename, mimeType: item.mimeType, format: item.format, title: item.title, url: item.url };
          return { item, doc: await parse(input, resolveChunkOptions(opts.chunking)) };
        } catch (err) {
          return { item, err };
        }
      }),
    );
    const parsed: { item: ClaimedItem; doc: CutDocument }[] = [];
    for (const outcome of outcomes) {
      if (outcome.doc) parsed.push({ item: outcome.item, doc: outcome.doc });
      else await this.recordFailure(outcome.item, outcome.err);
    }
    if (parsed.length === 0) return;
    const tenantId = parsed[0]!.item.tenantId;
    let results: IndexedResult[];
    try {
      results = await writeDocumentBatch(
        db,
        tenantId,
        parsed.map(({ item, doc }) => parsedInput(item.externalId, doc, item.bytes.byteLength, item.tags)),
        { ...opts.chunking, chunk: opts.chunk },
      );
    } catch {
      for (const { item } of parsed) await this.process(item, true);
      return;
    }
    const indexed: { item: ClaimedItem; result: UpsertResult & { title: string } }[] = [];
    for (const [i, { item, doc }] of parsed.entries()) {
      const { chunkIds, ...result } = results[i]!;
      try {
        // As upsertDocument does with reindexUnchanged: a retried item's chunks are embedded again.
        if (opts.indexChunks && (!result.unchanged || item.attempts > 1)) {
          const ids = chunkIds ?? (await chunkIdsOf(db, tenantId, result.documentId));
          if (ids.length > 0) await opts.indexChunks(db, tenantId, ids);
        }
        indexed.push({ item, result: { ...result, title: doc.title } });
      } catch (err) {
        await this.recordFailure(item, err);
      }
    }
    if (indexed.length > 0) await this.recordBatchReady(indexed);
  }

  /** Each item's outcome in one statement; if that fails, each on its own (a failure to record is logged there). */
  private async recordBatchReady(done: { item: ClaimedItem; result: UpsertResult & { title: string } }[]): Promise<void> {
    const tenantId = done[0]!.item.tenantId;
    try {
      await markItemsReady(this.db, tenantId, done.map(({ item, result }) => ({ itemId: item.id, outcome: result })));
    } catch {
      for (const { item, result } of done) await this.recordReady(item, result).catch((err: unknown) => this.recordFailure(item, err));
      return;
    }
    for (const { item, result } of done) this.opts.onEvent?.({ type: 'ready', item, result });
  }

  private async recordReady(item: ClaimedItem, result: UpsertResult & { title: string }): Promise<void> {
    await markItemReady(this.db, item.tenantId, item.id, { documentId: result.documentId, version: result.version, chunks: result.chunks, unchanged: result.unchanged });
    this.opts.onEvent?.({ type: 'ready', item, result });
  }

  private async recordFailure(item: ClaimedItem, err: unknown): Promise<void> {
    const { db, opts } = this;
    try {
      if (isPermanentFailure(err)) {
        await markItemFailed(db, item.tenantId, item.id, message(err));
        opts.onEvent?.({ type: 'failed', item, error: message(err) });
      } else if (item.attempts >= this.maxAttempts) {
        const reason = `${message(err)} (gave up after ${item.attempts} attempts)`;
        await markItemFailed(db, item.tenantId, item.id, reason);
        opts.onEvent?.({ type: 'failed', item, error: reason });
      } else {
        const delayMs = this.retryBaseMs * 2 ** (item.attempts - 1);
        await scheduleItemRetry(db, item.tenantId, item.id, message(err), delayMs);
        opts.log.info('ingestion item will be retried', { tenantId: item.tenantId, item: item.id, attempt: item.attempts, delayMs, error: message(err) });
        opts.onEvent?.({ type: 'retry', item, error: message(err), delayMs });
      }
    } catch (recordErr) {
      // Could not even record the outcome: the lease expires and the item is taken again.
      if (!this.stopped) opts.log.warn('ingestion item outcome not recorded', { tenantId: item.tenantId, item: item.id, error: message(recordErr) });
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

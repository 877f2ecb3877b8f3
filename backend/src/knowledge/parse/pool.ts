import type { MarkdownChunker } from '../chunker.js';
import { ParseSandbox, type DocumentParser, type SandboxLimits } from './sandbox.js';

/** The sandbox limits plus how many ingestion threads may run at once (PREX_INGEST_THREADS, config.ts). */
export interface PoolLimits extends SandboxLimits {
  threads: number;
}

/**
 * A few ParseSandboxes: each task goes to the one with the fewest tasks in hand. Threads start on
 * the first task a sandbox gets and end when idle (see ParseSandbox), so a server that ingests
 * nothing holds none. A task that kills its thread fails alone, and only that sandbox restarts.
 *
 * Written here rather than taken from piscina or tinypool: each sandbox already owns its thread's
 * heap cap, time limit, restart and idle end, which is what those libraries would add; what is left
 * is choosing a sandbox. One caveat with several threads: the sandbox's watch on memory outside the
 * heap reads the whole process's resident size, so a file that balloons it can also stop a file
 * being parsed beside it (both fail with the limit's reason; the job retries neither, as for any
 * ParseError). One thread, the default on 2 cores, has no such neighbour.
 */
export class SandboxPool {
  private readonly sandboxes: ParseSandbox[];

  constructor(limits: PoolLimits) {
    this.sandboxes = Array.from({ length: Math.max(1, limits.threads) }, () => new ParseSandbox(limits));
  }

  readonly parse: DocumentParser = (input, chunking) => this.leastBusy().parse(input, chunking);

  readonly chunk: MarkdownChunker = (texts, chunking) => this.leastBusy().chunk(texts, chunking);

  async close(): Promise<void> {
    await Promise.all(this.sandboxes.map((s) => s.close()));
  }

  private leastBusy(): ParseSandbox {
    return this.sandboxes.reduce((best, s) => (s.pending < best.pending ? s : best));
  }
}

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

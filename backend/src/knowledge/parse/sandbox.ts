import { Worker } from 'node:worker_threads';
import { formatCount, type ParseLimits } from './limits.js';
import type { ParseReply, ParseRequest } from './sandbox-worker.js';
import { fileLabel, ParseError, type ParsedDocument, type ParseInput } from './types.js';

/** The limits of one parse in the sandbox: the format limits plus memory and time for the whole file. */
export interface SandboxLimits extends ParseLimits {
  /** Heap of the parsing thread, in MB (PREX_INGEST_MEMORY_MB). */
  memoryMb: number;
  /** Wall-clock time one file may take to parse (PREX_INGEST_FILE_TIMEOUT_MS). */
  timeoutMs: number;
}

/** What ingestion calls to turn a file into a document: parseDocument in-process, or a sandbox's parse. */
export type DocumentParser = (input: ParseInput) => Promise<ParsedDocument>;

/**
 * An idle parsing thread is kept this long for the next file (starting one and loading the parsers
 * costs a few hundred milliseconds), then ended to give its memory back.
 */
const IDLE_THREAD_MS = 30_000;
/** Node's default stack; the depth limits keep real documents far from it. */
const STACK_MB = 4;
/** How often the process's resident memory is looked at while a file is parsed. */
const MEMORY_WATCH_MS = 100;

/**
 * Parses untrusted files in a worker thread, so a hostile one costs the API process neither its heap
 * nor its event loop: the thread has its own heap capped at `memoryMb` (V8 ends the thread, not the
 * process, when it is exhausted), each file gets `timeoutMs` before the thread is terminated, and the
 * format limits are checked in the thread while the file is read. Memory V8 does not count in the
 * heap (inflated buffers) is watched from here: the process's resident size growing by more than
 * twice `memoryMb` during a parse ends it too. Every limit fails only that file, with a
 * ParseError('limit') saying which; the next file gets a fresh thread.
 *
 * Files are parsed one at a time: the ingestion queue hands over one item at a time anyway, and a
 * second parse would only compete with the API for the cores of a small machine.
 */
export class ParseSandbox {
  private thread: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(private readonly limits: SandboxLimits) {}

  /** Parses one file in the sandbox (after the files before it); throws what parseDocument would, or a ParseError('limit'). */
  readonly parse: DocumentParser = (input) => {
    const run = this.queue.then(() => this.parseNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  };

  /** Ends the parsing thread after the file in hand. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.endThread();
  }

  private async parseNow(input: ParseInput): Promise<ParsedDocument> {
    if (this.closed) throw new Error('the parse sandbox is closed');
    clearTimeout(this.idleTimer);
    const thread = (this.thread ??= this.newThread());
    thread.ref();
    try {
      return await this.exchange(thread, input);
    } finally {
      if (this.thread === thread) {
        thread.unref();
        this.idleTimer = setTimeout(() => void this.endThread(), IDLE_THREAD_MS).unref();
      }
    }
  }

  /** Sends one file and waits for the answer, a limit, or the thread's end. */
  private exchange(thread: Worker, input: ParseInput): Promise<ParsedDocument> {
    const what = fileLabel(input);
    const { memoryMb, timeoutMs, maxDocumentChars, maxPdfPages } = this.limits;
    const request: ParseRequest = { id: this.nextId++, input, limits: { maxDocumentChars, maxPdfPages } };
    return new Promise<ParsedDocument>((resolve, reject) => {
      const rssAtStart = process.memoryUsage.rss();
      const stop = (err: Error) => {
        settle();
        void this.endThread(thread);
        reject(err);
      };
      const timer = setTimeout(() => stop(new ParseError('limit', `${what} took longer than ${seconds(timeoutMs)} to parse (the limit per file) and was stopped`)), timeoutMs);
      const memoryWatch = setInterval(() => {
        if (process.memoryUsage.rss() - rssAtStart > 2 * memoryMb * MB) stop(outOfMemory(what, memoryMb));
      }, MEMORY_WATCH_MS);
      const onMessage = (reply: ParseReply) => {
        if (reply.id !== request.id) return;
        settle();
        if (reply.ok) resolve(reply.document);
        else if ('parseError' in reply) reject(new ParseError(reply.parseError.reason, reply.parseError.message));
        else reject(new Error(`${what} could not be parsed: ${reply.failure}`));
      };
      const onError = (err: Error & { code?: string }) => {
        settle();
        this.forget(thread);
        // V8 ended the thread at its heap limit: this file's doing. Anything else is a fault to retry.
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') reject(outOfMemory(what, memoryMb));
        else reject(new Error(`the parsing thread failed on ${what}: ${err.message}`));
      };
      const onExit = (code: number) => {
        settle();
        this.forget(thread);
        reject(new Error(`the parsing thread exited (code ${code}) while parsing ${what}`));
      };
      const settle = () => {
        clearTimeout(timer);
        clearInterval(memoryWatch);
        thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      thread.on('message', onMessage).on('error', onError).on('exit', onExit);
      thread.postMessage(request);
    });
  }

  /**
   * A thread that fails or exits between files (a late rejection inside a parser) is dropped, never
   * left to throw an unhandled 'error' in this process; the next file starts a new one.
   */
  private newThread(): Worker {
    const thread = startThread(this.limits.memoryMb);
    thread.on('error', () => this.forget(thread)).on('exit', () => this.forget(thread));
    return thread;
  }

  private forget(thread: Worker): void {
    if (this.thread === thread) this.thread = undefined;
  }

  private async endThread(thread = this.thread): Promise<void> {
    if (!thread) return;
    this.forget(thread);
    clearTimeout(this.idleTimer);
    await thread.terminate();
  }
}

const MB = 1024 * 1024;

/**
 * The parsing thread. From the built backend (dist/) its entry is the compiled sandbox-worker.js
 * next to this file. From TypeScript source (vitest, tsx) the entry is sandbox-worker.ts, which a
 * worker cannot load by itself: a small bootstrap registers tsx's loader in the thread first.
 */
function startThread(memoryMb: number): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: memoryMb, stackSizeMb: STACK_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sandbox-worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sandbox-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function outOfMemory(what: string, memoryMb: number): ParseError {
  return new ParseError('limit', `${what} needed more than ${formatCount(memoryMb)} MB of memory to parse (the limit per file) and was stopped`);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${formatCount(Math.round(ms / 100) / 10)} s` : `${ms} ms`;
}

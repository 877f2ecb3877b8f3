import { Worker } from 'node:worker_threads';
import type { CutChunks, MarkdownChunker, ResolvedChunkOptions } from '../chunker.js';
import { formatCount, type ParseLimits } from './limits.js';
import type { SandboxReply, SandboxRequest, SandboxResult, SandboxTask } from './sandbox-worker.js';
import { fileLabel, ParseError, type ParsedDocument, type ParseInput } from './types.js';

/** The limits of one parse in the sandbox: the format limits plus memory and time for the whole file. */
export interface SandboxLimits extends ParseLimits {
  /** Heap of the parsing thread, in MB (PREX_INGEST_MEMORY_MB). */
  memoryMb: number;
  /** Wall-clock time one file may take to parse (PREX_INGEST_FILE_TIMEOUT_MS). */
  timeoutMs: number;
}

/** A parsed document, with its chunks when the parser was asked to cut it too. */
export type CutDocument = ParsedDocument & { cut?: CutChunks | undefined };

/**
 * What ingestion calls to turn a file into a document: parseDocument in-process (which ignores
 * `chunking`: ingestion then cuts in its own thread), or a sandbox's parse (which cuts in its thread).
 */
export type DocumentParser = (input: ParseInput, chunking?: ResolvedChunkOptions) => Promise<CutDocument>;

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
 * Parses untrusted files, and cuts texts into chunks, in a worker thread, so neither a hostile file
 * nor a large upload costs the API process its heap or its event loop: the thread has its own heap capped at `memoryMb` (V8 ends the thread, not the
 * process, when it is exhausted), each file gets `timeoutMs` before the thread is terminated, and the
 * format limits are checked in the thread while the file is read. Memory V8 does not count in the
 * heap (inflated buffers) is watched from here: the process's resident size growing by more than
 * twice `memoryMb` during a parse ends it too. Every limit fails only that file, with a
 * ParseError('limit') saying which; the next file gets a fresh thread.
 *
 * One sandbox runs one task at a time, in order; SandboxPool spreads tasks over several.
 */
export class ParseSandbox {
  private thread: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly limits: SandboxLimits) {}

  /**
   * Parses one file in the sandbox (after the tasks before it), and with `chunking` cuts its text
   * too; throws what parseDocument would, or a ParseError('limit').
   */
  readonly parse: DocumentParser = async (input, chunking) => {
    const { document, chunks } = await this.enqueue({ kind: 'parse', input, limits: this.formatLimits(), chunking }, fileLabel(input), 'parse');
    if (!document) throw new Error(`the parsing thread answered without a document for ${fileLabel(input)}`);
    return chunking && chunks?.[0] ? { ...document, cut: { options: chunking, chunks: chunks[0] } } : document;
  };

  /** Cuts Markdown texts into chunks in the sandbox (after the tasks before it), in their order. */
  readonly chunk: MarkdownChunker = async (texts, chunking) => {
    if (texts.length === 0) return [];
    const what = texts.length === 1 ? 'the document' : `${formatCount(texts.length)} documents`;
    const { chunks } = await this.enqueue({ kind: 'chunk', texts, chunking }, what, 'chunk');
    if (chunks?.length !== texts.length) throw new Error(`the ingestion thread answered with ${chunks?.length ?? 0} chunk lists for ${texts.length} texts`);
    return chunks;
  };

  /** Tasks queued or running here (SandboxPool sends the next task to the least busy sandbox). */
  get pending(): number {
    return this.waiting;
  }

  /** Ends the parsing thread after the file in hand. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.endThread();
  }

  private formatLimits(): ParseLimits {
    return { maxDocumentChars: this.limits.maxDocumentChars, maxPdfPages: this.limits.maxPdfPages };
  }

  private enqueue(task: SandboxTask, what: string, verb: TaskVerb): Promise<SandboxResult> {
    this.waiting += 1;
    const run = this.queue.then(() => this.runNow(task, what, verb)).finally(() => (this.waiting -= 1));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runNow(task: SandboxTask, what: string, verb: TaskVerb): Promise<SandboxResult> {
    if (this.closed) throw new Error('the parse sandbox is closed');
    clearTimeout(this.idleTimer);
    const thread = (this.thread ??= this.newThread());
    thread.ref();
    try {
      return await this.exchange(thread, task, what, verb);
    } finally {
      if (this.thread === thread) {
        thread.unref();
        this.idleTimer = setTimeout(() => void this.endThread(), IDLE_THREAD_MS).unref();
      }
    }
  }

  /** Sends one task and waits for the answer, a limit, or the thread's end. `what` and `verb` name it in errors. */
  private exchange(thread: Worker, task: SandboxTask, what: string, verb: TaskVerb): Promise<SandboxResult> {
    const { memoryMb, timeoutMs } = this.limits;
    const request: SandboxRequest = { ...task, id: this.nextId++ };
    return new Promise<SandboxResult>((resolve, reject) => {
      const rssAtStart = process.memoryUsage.rss();
      const stop = (err: Error) => {
        settle();
        void this.endThread(thread);
        reject(err);
      };
      const timer = setTimeout(() => stop(new ParseError('limit', `${what} took longer than ${seconds(timeoutMs)} to ${verb} (the limit per file) and was stopped`)), timeoutMs);
      const memoryWatch = setInterval(() => {
        if (process.memoryUsage.rss() - rssAtStart > 2 * memoryMb * MB) stop(outOfMemory(what, verb, memoryMb));
      }, MEMORY_WATCH_MS);
      const onMessage = (reply: SandboxReply) => {
        if (reply.id !== request.id) return;
        settle();
        if (reply.ok) resolve(reply.result);
        else if ('parseError' in reply) reject(new ParseError(reply.parseError.reason, reply.parseError.message));
        else reject(new Error(`${what} could not be ${PAST[verb]}: ${reply.failure}`));
      };
      const onError = (err: Error & { code?: string }) => {
        settle();
        this.forget(thread);
        // V8 ended the thread at its heap limit: this file's doing. Anything else is a fault to retry.
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') reject(outOfMemory(what, verb, memoryMb));
        else reject(new Error(`the ingestion thread failed on ${what}: ${err.message}`));
      };
      const onExit = (code: number) => {
        settle();
        this.forget(thread);
        reject(new Error(`the ingestion thread exited (code ${code}) during the ${verb} of ${what}`));
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

/** How a task is named in its errors ("took longer than 2 s to parse", "could not be chunked"). */
type TaskVerb = SandboxTask['kind'];
const PAST: Record<TaskVerb, string> = { parse: 'parsed', chunk: 'chunked' };

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

function outOfMemory(what: string, verb: TaskVerb, memoryMb: number): ParseError {
  return new ParseError('limit', `${what} needed more than ${formatCount(memoryMb)} MB of memory to ${verb} (the limit per file) and was stopped`);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${formatCount(Math.round(ms / 100) / 10)} s` : `${ms} ms`;
}

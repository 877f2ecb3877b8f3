import { parentPort } from 'node:worker_threads';
import { chunkMarkdown, type Chunk, type ResolvedChunkOptions } from '../chunker.js';
import { parseDocument } from './index.js';
import type { ParseLimits } from './limits.js';
import { ParseError, type ParsedDocument, type ParseErrorReason, type ParseInput } from './types.js';

/**
 * The ingestion thread's entry (started by sandbox.ts): the CPU work of ingestion, one task per
 * message. A parse task parses one file with the limits it is sent (and, given chunk options, cuts
 * its text into chunks too); a chunk task cuts Markdown texts into chunks. Both are the work that
 * would otherwise hold the API's event loop (PDF.js, Readability, cl100k BPE). Nothing here touches
 * the database or the network; a file that exhausts this thread's heap or time takes only this
 * thread down.
 */

export type SandboxTask =
  | { kind: 'parse'; input: ParseInput; limits: ParseLimits; chunking?: ResolvedChunkOptions | undefined }
  | { kind: 'chunk'; texts: readonly string[]; chunking: ResolvedChunkOptions };

export type SandboxRequest = SandboxTask & { id: number };

/** What a task produced: the parsed document (parse tasks), and chunks for each text when asked. */
export interface SandboxResult {
  document?: ParsedDocument | undefined;
  chunks?: Chunk[][] | undefined;
}

export type SandboxReply =
  | { id: number; ok: true; result: SandboxResult }
  | { id: number; ok: false; parseError: { reason: ParseErrorReason; message: string } }
  | { id: number; ok: false; failure: string };

const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs as a worker thread (see sandbox.ts)');

port.on('message', async (request: SandboxRequest) => {
  let reply: SandboxReply;
  try {
    reply = { id: request.id, ok: true, result: await run(request) };
  } catch (err) {
    reply =
      err instanceof ParseError
        ? { id: request.id, ok: false, parseError: { reason: err.reason, message: err.message } }
        : { id: request.id, ok: false, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});

async function run(task: SandboxTask): Promise<SandboxResult> {
  if (task.kind === 'chunk') return { chunks: task.texts.map((text) => chunkMarkdown(text, task.chunking)) };
  const document = await parseDocument(task.input, task.limits);
  return { document, chunks: task.chunking ? [chunkMarkdown(document.markdown, task.chunking)] : undefined };
}

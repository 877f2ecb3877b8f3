import { parentPort } from 'node:worker_threads';
import { parseDocument } from './index.js';
import type { ParseLimits } from './limits.js';
import { ParseError, type ParsedDocument, type ParseErrorReason, type ParseInput } from './types.js';

/**
 * The parsing thread's entry (started by sandbox.ts): parses one file per message with the limits it
 * is sent, and answers with the document or the error. Nothing here touches the database or the
 * network; a file that exhausts this thread's heap or time takes only this thread down.
 */

export interface ParseRequest {
  id: number;
  input: ParseInput;
  limits: ParseLimits;
}

export type ParseReply =
  | { id: number; ok: true; document: ParsedDocument }
  | { id: number; ok: false; parseError: { reason: ParseErrorReason; message: string } }
  | { id: number; ok: false; failure: string };

const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs as a worker thread (see sandbox.ts)');

port.on('message', async (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, ok: true, document: await parseDocument(request.input, request.limits) };
  } catch (err) {
    reply =
      err instanceof ParseError
        ? { id: request.id, ok: false, parseError: { reason: err.reason, message: err.message } }
        : { id: request.id, ok: false, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});

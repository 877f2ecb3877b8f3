import type { Request } from 'express';
import { HttpError } from '../http/errors.js';

export const tooLarge = (maxBytes: number) =>
  new HttpError(413, 'payload_too_large', `The file is larger than this workspace takes (${describeBytes(maxBytes)}): send a smaller file`);

/**
 * The request's raw body, refused with 413 once it passes `maxBytes`: at once when Content-Length
 * says so, else as soon as the bytes received pass it (nothing more is buffered). A client that
 * goes away mid-upload rejects the promise; the error handler then has no one to answer.
 */
export async function readLimitedBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received);
}

/** "10 MB", "512 KB": a limit as a visitor reads it. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Logger } from '../logger.js';

async function* startingWith<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Streams lines as an application/x-ndjson download. The first line is built before anything is
 * sent, so a failure there is still an ordinary JSON error response; a failure after that can only
 * abort the response (a truncated download the client sees as an error, never a short 200).
 * Backpressure is applied, and a client that goes away stops the production of lines.
 */
export async function sendNdjson(res: Response, lines: AsyncGenerator<string>, meta: { filename: string; log: Logger; context: Record<string, unknown> }): Promise<void> {
  const first = await lines.next();
  res.status(200).set({
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Content-Disposition': `attachment; filename="${meta.filename}"`,
    'Cache-Control': 'no-store',
  });
  try {
    await pipeline(Readable.from(startingWith(first, lines)), res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') meta.log.info('download abandoned by the client', meta.context);
    else meta.log.error('download failed mid-stream', { ...meta.context, error: error instanceof Error ? error.message : String(error) });
    res.destroy();
  }
}

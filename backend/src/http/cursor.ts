import type { Request } from 'express';
import { eventCursorSchema } from '@prex/protocol';
import { badRequest } from './errors.js';

/**
 * The resume cursor of an SSE stream, from `?after=` or the `Last-Event-ID` header (which a
 * browser's EventSource sends on its own); 0 when neither is given.
 */
export function parseCursor(req: Request): number {
  const fromQuery = req.query.after;
  const raw = fromQuery !== undefined ? fromQuery : req.get('last-event-id');
  if (raw === undefined) return 0;
  const where = fromQuery !== undefined ? 'after' : 'Last-Event-ID';
  const cursor = eventCursorSchema.safeParse(raw);
  if (!cursor.success) {
    throw badRequest(`Invalid ${where}: expected the non-negative integer id of the last event received`, [
      { path: where, message: 'must be a non-negative integer' },
    ]);
  }
  return cursor.data;
}

import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError } from './errors.js';
import type { Logger } from '../logger.js';

/** Body-parser and similar middleware raise errors with these fields. */
interface ExpressLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const e = err as ExpressLikeError & Error;
  // The router decodes path parameters and marks a malformed %-sequence (%E0%A4%A) as a 400.
  if (err instanceof URIError && e.status === 400) {
    return new HttpError(400, 'invalid_request', `${e.message}: a path segment must be UTF-8, percent-encoded (encodeURIComponent)`);
  }
  const status = e?.status ?? e?.statusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_request', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', e.message);
    default:
      return new HttpError(status, 'invalid_request', e.expose ? e.message : 'Bad request');
  }
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
}

/** Last middleware: known errors become their 4xx body; anything else is logged and a generic 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = toHttpError(err);
    if (known) {
      res.status(known.status).json(known.toBody());
      return;
    }
    log.error('unhandled error', { method: req.method, path: req.path, error: err instanceof Error ? err.stack : String(err) });
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  };
}

import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ROUTES } from '@prex/protocol';
import { runWithLogContext } from '../log-context.js';
import type { Logger } from '../logger.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller's id is kept when it is short and of a safe alphabet (UUIDs, ULIDs, a proxy's hex or
 * base64url ids); anything else is replaced, not refused: the header is a tracing aid, and a proxy
 * with another format must not make Prex unreachable. The alphabet keeps log lines unforgeable
 * (no spaces, `=` or newlines).
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes poll every few seconds: their lines are debug, so an info log shows traffic. */
const PROBE_ROUTES: ReadonlySet<string> = new Set([ROUTES.health, ROUTES.ready]);

/**
 * First middleware of the app: gives the request its id (the caller's x-request-id or a new UUID),
 * echoes it in the response, makes every log line written while serving it carry `requestId=`, and
 * writes one access line when the response ends: method, route pattern, status, duration. The line
 * holds the route's pattern (`/v1/chat/:messageId/stream`), not the URL: no ids, no query string.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = offered && ACCEPTED_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    runWithLogContext({ requestId }, () => {
      // A listener runs in the context of whoever emits: bound, the line keeps its request id even
      // when 'close' comes from the socket (a visitor leaving an answer stream).
      res.once('close', AsyncResource.bind(() => {
        const route = routeOf(req);
        const fields = {
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
          // The client went away before the response was complete (a closed tab mid-answer).
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        (PROBE_ROUTES.has(route) ? log.debug : log.info)('request', fields);
      }));
      next();
    });
  };
}

/**
 * The matched route's pattern, as its router declared it. A request no route matched (a 404, a
 * static file) is named by its path with id-like segments masked.
 */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return maskIds(req.originalUrl.split('?')[0] ?? '/');
}

/**
 * A segment with a digit and 8+ characters, or 24+ of anything, is taken for an id or a token;
 * file names (`pane-3f9a1c.js`) stay, they are the build's, not a visitor's.
 */
function maskIds(path: string): string {
  const looksLikeId = (segment: string) => !/\.[A-Za-z0-9]{1,5}$/.test(segment) && (segment.length >= 24 || (segment.length >= 8 && /\d/.test(segment)));
  return path
    .split('/')
    .map((segment) => (looksLikeId(segment) ? ':id' : segment))
    .join('/');
}

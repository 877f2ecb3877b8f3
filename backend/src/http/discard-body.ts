import type { RequestHandler } from 'express';

/**
 * For the few routes that read no body (health, readiness, the OpenAPI document, the loader): a
 * client that sends one anyway is let to finish, its bytes discarded, before the answer goes out.
 * Answering while it is still sending made Node reset the connection under it (found by the fuzz
 * test: GET /openapi.json with a large JSON body).
 */
export const discardBody: RequestHandler = (req, _res, next) => {
  if (req.complete || req.readableEnded) return next();
  req.resume();
  req.once('end', () => next());
  req.once('error', () => next());
};

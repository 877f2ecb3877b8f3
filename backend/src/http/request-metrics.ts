import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics/metrics.js';

/** The label of a request no route matched (a 404, a static file): paths are unbounded. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Counts every response by method, the matched route's pattern and status, when it ends (a client
 * leaving an answer stream too). Unmatched paths share one label: a scanner's random URLs must not
 * grow the series without bound.
 */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.once('close', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : UNMATCHED_ROUTE;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

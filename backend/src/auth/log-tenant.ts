import type { RequestHandler } from 'express';
import { contextOf } from './context.js';
import { runWithLogContext } from '../log-context.js';

/**
 * After a policy's authentication: every line logged while the route runs names the tenant it
 * serves (`tenantId=`), so the Operations page shows a workspace's staff their own lines and never
 * another workspace's (log-ring.ts).
 */
export const tagLogWithTenant: RequestHandler = (_req, res, next) => {
  const tenantId = contextOf(res).tenant?.id;
  if (!tenantId) return next();
  runWithLogContext({ tenantId }, next);
};

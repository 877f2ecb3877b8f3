import type { Request } from 'express';
import { cannedReplyRequestSchema, cannedReplyUpdateSchema, INBOX_LIMITS, STAFF_INBOX_ROUTES, type CannedRepliesResponse, type CannedReplyResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { addCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply, type CannedWriteOutcome } from './canned-replies.js';

const CANNED_REPLY_ID = /^cnr_[A-Za-z0-9_-]{1,64}$/;

function cannedReplyIdOf(req: Request): string {
  const id = String(req.params.cannedReplyId);
  if (!CANNED_REPLY_ID.test(id)) throw badRequest('Invalid cannedReplyId', [{ path: 'cannedReplyId', message: 'not a canned reply id (cnr_…)' }]);
  return id;
}

/** The reply written, or the 4xx that says why not. */
function written(outcome: CannedWriteOutcome, shortcut: string | undefined, id?: string): CannedReplyResponse {
  if (outcome === 'duplicate') throw conflict(`The shortcut "${shortcut}" is taken by another canned reply: choose another or edit that one`);
  if (outcome === 'full') throw conflict(`The team has ${INBOX_LIMITS.maxCannedReplies} canned replies, the most it may keep: delete one first`);
  if (outcome === 'missing') throw notFound(`No canned reply ${id}`);
  return outcome;
}

/**
 * The team's canned replies (any staff role):
 * - GET    /v1/staff/canned-replies                  by shortcut
 * - POST   /v1/staff/canned-replies {shortcut, text}  → 201; 409 when the shortcut is taken or the team has the most it may keep
 * - PATCH  /v1/staff/canned-replies/:cannedReplyId {shortcut?, text?}
 * - DELETE /v1/staff/canned-replies/:cannedReplyId   → 204
 */
export function addCannedReplyRoutes(routes: RouteGroup, db: Db): void {
  routes.get(STAFF_INBOX_ROUTES.cannedReplies, async (_req, res) => {
    const out: CannedRepliesResponse = { cannedReplies: await listCannedReplies(db, tenantOf(res).id) };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(STAFF_INBOX_ROUTES.cannedReplies, async (req, res) => {
    const body = parseJsonBody(cannedReplyRequestSchema, req, 'canned reply');
    res.status(201).json(written(await addCannedReply(db, tenantOf(res).id, body), body.shortcut));
  });

  routes.patch(STAFF_INBOX_ROUTES.cannedReply, async (req, res) => {
    const id = cannedReplyIdOf(req);
    const change = parseJsonBody(cannedReplyUpdateSchema, req, 'canned reply update');
    res.json(written(await updateCannedReply(db, { tenantId: tenantOf(res).id, id }, change), change.shortcut, id));
  });

  routes.delete(STAFF_INBOX_ROUTES.cannedReply, async (req, res) => {
    const id = cannedReplyIdOf(req);
    if (!(await deleteCannedReply(db, { tenantId: tenantOf(res).id, id }))) throw notFound(`No canned reply ${id}`);
    res.status(204).end();
  });
}

import type { Request, Response } from 'express';
import {
  inboxQuerySchema,
  inboxUpdateSchema,
  STAFF_INBOX_ROUTES,
  staffNoteRequestSchema,
  type InboxConversationResponse,
  type InboxResponse,
  type StaffNoteResponse,
} from '@prex/protocol';
import { staffOf, tenantOf } from '../auth/context.js';
import { announceInboxChange } from '../conversations/working-state.js';
import { openEscalationOfSession } from '../handoff/repository.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { InboxDeps } from './deps.js';
import { addNote, listNotes } from './notes.js';
import { countByStatus, findInboxConversation, listInbox, otherConversationsOf } from '../conversations/inbox-read-model.js';
import { ensureConversation } from '../conversations/working-state.js';
import { changeWorkingState, isTeamMember, markRead } from './working-state.js';

const SESSION_ID = /^ses_[A-Za-z0-9_-]{1,64}$/;

/** Who reads and where: the staff member's tenant, never another. */
function readerOf(res: Response): { tenantId: string; reader: string } {
  return { tenantId: tenantOf(res).id, reader: staffOf(res).accountId };
}

/**
 * The inbox (any staff role):
 * - GET   /v1/staff/inbox?status=&assignee=&channel=&label=&agentId=&limit=&before=   a page, counts per status
 * - GET   /v1/staff/inbox/:sessionId              the row, notes (oldest first), the customer's other conversations
 * - PATCH /v1/staff/inbox/:sessionId              {status?, assigneeId?, snoozedUntil?} → the same as GET
 * - POST  /v1/staff/inbox/:sessionId/notes        {text} → 201 {note}
 * - POST  /v1/staff/inbox/:sessionId/read         → 204
 * - POST  /v1/staff/inbox/:sessionId/hand-back    resolves the open handoff (409 without one) → the same as GET
 */
export function addInboxConversationRoutes(routes: RouteGroup, deps: InboxDeps): void {
  const { db } = deps;

  /** The path's conversation, when this tenant has it; a 404 otherwise (whoever else has it). */
  async function conversationOf(req: Request, res: Response): Promise<{ tenantId: string; sessionId: string }> {
    const sessionId = String(req.params.sessionId);
    if (!SESSION_ID.test(sessionId)) throw badRequest('Invalid sessionId', [{ path: 'sessionId', message: 'not a session id (ses_…)' }]);
    const tenantId = tenantOf(res).id;
    if (!(await ensureConversation(db, tenantId, sessionId))) throw notFound(`No conversation ${sessionId}`);
    return { tenantId, sessionId };
  }

  async function detail(res: Response, sessionId: string): Promise<InboxConversationResponse> {
    const scope = { ...readerOf(res), sessionId };
    const [conversation, notes, otherConversations] = await Promise.all([findInboxConversation(db, scope, sessionId), listNotes(db, scope), otherConversationsOf(db, scope)]);
    if (!conversation) throw notFound(`No conversation ${sessionId}`);
    return { conversation, notes, otherConversations };
  }

  routes.get(STAFF_INBOX_ROUTES.conversations, async (req, res) => {
    const query = parseInput(inboxQuerySchema, req.query, 'inbox query');
    const scope = readerOf(res);
    const [page, counts] = await Promise.all([listInbox(db, scope, query), countByStatus(db, scope, query)]);
    const out: InboxResponse = { conversations: page.conversations, counts, nextBefore: page.nextBefore };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.get(STAFF_INBOX_ROUTES.conversation, async (req, res) => {
    const { sessionId } = await conversationOf(req, res);
    res.set('Cache-Control', 'no-store').json(await detail(res, sessionId));
  });

  routes.patch(STAFF_INBOX_ROUTES.conversation, async (req, res) => {
    const update = parseJsonBody(inboxUpdateSchema, req, 'conversation update');
    const scope = await conversationOf(req, res);
    if (update.snoozedUntil !== undefined && Date.parse(update.snoozedUntil) <= Date.now()) {
      throw badRequest('Invalid conversation update: snoozedUntil is in the past', [{ path: 'snoozedUntil', message: 'must be in the future' }]);
    }
    if (update.assigneeId && !(await isTeamMember(db, scope.tenantId, update.assigneeId))) {
      throw badRequest(`Invalid conversation update: ${update.assigneeId} is not a member of this team`, [{ path: 'assigneeId', message: 'no staff account of this team has this id' }]);
    }
    // Resolving while a person has the conversation ends the handoff too: the widget hears it and
    // the bot answers again, as the "when staff resolve or hand back" asks.
    if (update.status === 'resolved') await resolveOpenHandoff(deps, scope);
    await changeWorkingState(db, scope, update);
    await announceInboxChange(deps, scope);
    res.json(await detail(res, scope.sessionId));
  });

  routes.post(STAFF_INBOX_ROUTES.notes, async (req, res) => {
    const { text } = parseJsonBody(staffNoteRequestSchema, req, 'note');
    const scope = await conversationOf(req, res);
    const note = await addNote(db, { ...scope, author: staffOf(res) }, text);
    await announceInboxChange(deps, scope);
    const out: StaffNoteResponse = { note };
    res.status(201).json(out);
  });

  routes.post(STAFF_INBOX_ROUTES.read, async (req, res) => {
    const scope = await conversationOf(req, res);
    await markRead(db, { ...scope, accountId: staffOf(res).accountId });
    res.status(204).end();
  });

  routes.post(STAFF_INBOX_ROUTES.handBack, async (req, res) => {
    const scope = await conversationOf(req, res);
    if (!(await resolveOpenHandoff(deps, scope))) throw conflict(`Conversation ${scope.sessionId} has no open handoff: the bot has it already`);
    res.json(await detail(res, scope.sessionId));
  });
}

/**
 * Ends the conversation's open handoff through the one handoff service (the widget hears
 * "resolved" and the bot answers again); false when there was none to end.
 */
async function resolveOpenHandoff(deps: InboxDeps, scope: { tenantId: string; sessionId: string }): Promise<boolean> {
  const open = await openEscalationOfSession(deps.db, scope.tenantId, scope.sessionId);
  if (!open) return false;
  const outcome = await deps.handoff.resolve(scope.tenantId, open.id);
  return outcome !== 'missing' && outcome !== 'declined';
}

import type { Request, Response } from 'express';
import { COPILOT_ROUTES, copilotDraftRequestSchema, DRAFT_ID_PREFIX, type CopilotDraftRequest } from '@prex/protocol';
import { resolveAgent } from '../agents/repository.js';
import { tenantOf } from '../auth/context.js';
import { LiveAnswer } from '../chat/hub.js';
import { listSessionMessages } from '../conversations/messages.js';
import type { SearchFn } from '../chat/run-answer.js';
import type { Config } from '../config.js';
import { customerOfSession } from '../customers/repository.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { findConversationSession } from '../conversations/staff-thread.js';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { SseResponse } from '../http/sse.js';
import { parseJsonBody } from '../http/validate.js';
import { newId } from '../ids.js';
import type { Answerer } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { UsageRecorder } from '../usage/index.js';
import { conversationAgentName } from '../conversations/read-models.js';
import { draftTurns } from './conversation.js';
import { writeDraft } from './draft.js';

export interface CopilotFeatureDeps {
  config: Pick<Config, 'heartbeatMs'>;
  db: Db;
  log: Logger;
  routes: Routes;
  /** The answerer of visitors' answers (the model through the gateway, else extractive): drafts speak with the same voice. */
  answerer: Answerer;
  usage: UsageRecorder;
  /** The knowledge base's search, as answers use it (app.ts's Retrieval). */
  search: SearchFn;
}

export interface CopilotFeature extends Feature {
  stop(): Promise<void>;
}

const SESSION_ID = /^ses_[A-Za-z0-9_-]{1,64}$/;
/** A draft's id reads drf_…, as the protocol's DRAFT_ID_PREFIX says. */
const DRAFT_KIND = DRAFT_ID_PREFIX.replace(/_$/, '');
/** Reasons a draft stops early, echoed in its `abort` chunk. */
const STOPPED = { clientGone: 'the console closed the stream', shutdown: 'server shutting down' } as const;

function sessionIdOf(value: unknown): string {
  const id = String(value);
  if (!SESSION_ID.test(id)) throw badRequest('Invalid sessionId', [{ path: 'sessionId', message: 'not a session id (ses_…)' }]);
  return id;
}

/** The body is optional: none (or an empty one) asks for a plain draft. */
function draftRequestOf(req: Request): CopilotDraftRequest {
  const length = req.get('content-length');
  const sentBody = (length !== undefined && length !== '0') || req.get('transfer-encoding') !== undefined;
  if (req.body === undefined && !sentBody) return {};
  return parseJsonBody(copilotDraftRequestSchema, req, 'draft request');
}

/**
 * The console's copilot (staff session):
 * - POST /v1/staff/conversations/:sessionId/draft {instruction?}  → SSE: a reply drafted by the
 *   conversation's agent for the visitor's latest message(s), in the answer stream's format.
 * The draft is only streamed: never stored as a message, never shown to the visitor. A console that
 * closes the stream stops the draft (and its model call).
 */
export function createCopilotFeature(deps: CopilotFeatureDeps): CopilotFeature {
  const { db, log } = deps;
  const draftDeps = { db, log, answerer: deps.answerer, search: deps.search, usage: deps.usage };
  const running = new Map<LiveAnswer, Promise<unknown>>();
  let closing = false;
  const routes = deps.routes.staff();

  routes.post(COPILOT_ROUTES.draft, async (req, res: Response) => {
    const sessionId = sessionIdOf(req.params.sessionId);
    const { instruction } = draftRequestOf(req);
    if (closing) throw new HttpError(503, 'internal', 'The server is shutting down; try again in a moment');
    const tenantId = tenantOf(res).id;
    if (!(await findConversationSession(db, tenantId, sessionId))) throw notFound(`No conversation ${sessionId}`);
    const turns = draftTurns(await listSessionMessages(db, { tenantId, sessionId }));
    if (!turns) throw conflict('The visitor has not written anything yet: there is nothing to draft a reply to');
    const agent = await resolveAgent(db, tenantId, await conversationAgentName(db, tenantId, sessionId));
    const customer = await customerOfSession(db, tenantId, sessionId);

    const live = new LiveAnswer({ messageId: newId(DRAFT_KIND), tenantId, sessionId, userMessageId: turns.lastVisitorMessageId });
    const sse = new SseResponse(res, deps.config.heartbeatMs).open();
    const unsubscribe = live.subscribe(0, { chunk: (c) => sse.writeChunk(c), end: (last) => sse.done(last) });
    sse.onClose(() => {
      unsubscribe();
      live.controller.abort(STOPPED.clientGone);
    });
    const run = writeDraft(draftDeps, live, { turns, agent, customer, instruction }).finally(() => running.delete(live));
    running.set(live, run);
  });

  return {
    publicRoutes: routes.router,
    async stop() {
      closing = true;
      for (const live of running.keys()) live.controller.abort(STOPPED.shutdown);
      await Promise.allSettled([...running.values()]);
    },
  };
}

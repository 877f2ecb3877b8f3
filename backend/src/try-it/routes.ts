import type { Response } from 'express';
import { STAFF_AGENT_ROUTES, TRY_IT_ID_PREFIX, TRY_IT_LIMITS, tryItRequestSchema } from '@prex/protocol';
import { ensureDefaultAgent, getAgent, toAgent } from '../agents/repository.js';
import { nameParam } from '../agents/requests.js';
import { tenantOf } from '../auth/context.js';
import { LiveAnswer } from '../chat/hub.js';
import type { SearchFn } from '../chat/run-answer.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { HttpError, tooManyRequests } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { SseResponse } from '../http/sse.js';
import { parseJsonBody } from '../http/validate.js';
import { newId } from '../ids.js';
import type { Answerer } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { UsageRecorder } from '../usage/index.js';
import { runTryIt } from './run.js';

export interface TryItFeatureDeps {
  config: Pick<Config, 'heartbeatMs'>;
  db: Db;
  log: Logger;
  routes: Routes;
  /** The answerer of visitors' answers: the try-it chat must sound exactly like the widget. */
  answerer: Answerer;
  usage: UsageRecorder;
  /** The knowledge base's search, as answers use it (app.ts's Retrieval). */
  search: SearchFn;
}

export interface TryItFeature extends Feature {
  stop(): Promise<void>;
}

/** A try-it answer's id reads try_…, as the protocol's TRY_IT_ID_PREFIX says. */
const TRY_KIND = TRY_IT_ID_PREFIX.replace(/_$/, '');
const STOPPED = { clientGone: 'the console closed the stream', shutdown: 'server shutting down' } as const;

/**
 * The Agents page's try-it chat (staff session, any role):
 * - POST /v1/staff/agents/:name/try {question, history?} → SSE: the agent's answer in the answer
 *   stream's format, with its sources (run.ts). Stored nowhere.
 * Limits: the staff routes' rate limit per address, the request schema's lengths, and at most
 * TRY_IT_LIMITS.maxRunningPerTenant answers running at once per workspace on this instance (each
 * may be a paid model call); more get 429. Closing the stream stops the answer and its model call.
 */
export function createTryItFeature(deps: TryItFeatureDeps): TryItFeature {
  const runDeps = { db: deps.db, log: deps.log, answerer: deps.answerer, search: deps.search, usage: deps.usage };
  const running = new Map<LiveAnswer, Promise<unknown>>();
  const perTenant = new Map<string, number>();
  let closing = false;
  const routes = deps.routes.staff();

  const release = (tenantId: string) => {
    const left = (perTenant.get(tenantId) ?? 1) - 1;
    if (left > 0) perTenant.set(tenantId, left);
    else perTenant.delete(tenantId);
  };

  routes.post(STAFF_AGENT_ROUTES.tryIt, async (req, res: Response) => {
    const name = nameParam(req);
    const { question, history } = parseJsonBody(tryItRequestSchema, req, 'try-it question');
    if (closing) throw new HttpError(503, 'internal', 'The server is shutting down; try again in a moment');
    const tenantId = tenantOf(res).id;
    // As the Agents page's reads do: the default agent exists from the first look.
    await ensureDefaultAgent(deps.db, tenantId);
    const agent = toAgent(await getAgent(deps.db, tenantId, name));
    if ((perTenant.get(tenantId) ?? 0) >= TRY_IT_LIMITS.maxRunningPerTenant) {
      throw tooManyRequests(`${TRY_IT_LIMITS.maxRunningPerTenant} try-it answers are already running in this workspace: wait for one to finish`);
    }
    perTenant.set(tenantId, (perTenant.get(tenantId) ?? 0) + 1);

    const id = newId(TRY_KIND);
    // Not a conversation: the session and user-message ids are the try's own, stored nowhere.
    const live = new LiveAnswer({ messageId: id, tenantId, sessionId: id, userMessageId: id });
    const sse = new SseResponse(res, deps.config.heartbeatMs).open();
    const unsubscribe = live.subscribe(0, { chunk: (c) => sse.writeChunk(c), end: (last) => sse.done(last) });
    sse.onClose(() => {
      unsubscribe();
      live.controller.abort(STOPPED.clientGone);
    });
    const run = runTryIt(runDeps, live, { agent, question, history }).finally(() => {
      running.delete(live);
      release(tenantId);
    });
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

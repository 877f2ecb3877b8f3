import { fineTuningExportQuerySchema, markGoodRequestSchema, answerMessageIdSchema, QUALITY_ROUTES, type MarkGoodResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { conflict, notFound } from '../http/errors.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { markAnswerGood } from '../conversations/annotations.js';
import { learnFromAnswer } from '../knowledge/learning/index.js';
import { agentPrompts } from './agent-prompts.js';
import { fineTuningLines } from './export-stream.js';
import { sendNdjson } from './ndjson-response.js';

/**
 * Quality tools for the tenant's own servers (secret key):
 * - GET /v1/admin/exports/fine-tuning?since=&agent=&minRating=up  → application/x-ndjson, streamed
 * - PUT /v1/admin/messages/:messageId/good {good}                   → { messageId, good }
 */
export function createQualityFeature(deps: { db: Db; log: Logger; routes: Routes }): Feature {
  const { db, log } = deps;
  const routes = deps.routes.admin();

  routes.get(QUALITY_ROUTES.fineTuningExport, async (req, res) => {
    const query = parseInput(fineTuningExportQuerySchema, req.query, 'export query');
    const tenant = tenantOf(res);
    const agents = await agentPrompts(db, tenant.id);
    const agent = query.agent === undefined ? undefined : agents.find((a) => a.name === query.agent);
    if (query.agent !== undefined && !agent) throw notFound(`No agent named "${query.agent}"`);
    const filter = { tenantId: tenant.id, since: query.since ? new Date(query.since) : null, agentId: agent?.id ?? null };
    await sendNdjson(res, fineTuningLines(db, filter, agents, tenant.name), { filename: 'fine-tuning.jsonl', log, context: { tenantId: tenant.id, export: 'fine-tuning' } });
  });

  routes.put(QUALITY_ROUTES.markGood, async (req, res) => {
    const messageId = parseInput(answerMessageIdSchema, req.params.messageId, 'messageId');
    const { good } = parseJsonBody(markGoodRequestSchema, req, 'body');
    const outcome = await markAnswerGood(db, tenantOf(res).id, messageId, good);
    if (outcome === 'missing') throw notFound(`No answer ${messageId} in this tenant`);
    if ('notFinished' in outcome) throw conflict(`Answer ${messageId} is ${outcome.notFinished}: only complete answers can be marked as good`);
    await learnFromAnswer(db, tenantOf(res).id, messageId);
    const body: MarkGoodResponse = { messageId, good: outcome.good };
    res.json(body);
  });
  return { adminRoutes: routes.router };
}

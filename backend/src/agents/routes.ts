import express, { type Request, type RequestHandler } from 'express';
import {
  AGENT_LIMITS,
  AGENT_ROUTES,
  agentNameSchema,
  createAgentRequestSchema,
  deleteAgentQuerySchema,
  patchAgentRequestSchema,
  type AgentListResponse,
  type AgentResponse,
  type PersonaDraftResponse,
} from '@prex/protocol';
import { z } from 'zod';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { HttpError } from '../http/errors.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { assertValidText, withTextGuard } from '../http/text-guard.js';
import type { Logger } from '../logger.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { ModelGateway } from '../model/gateway.js';
import type { AgentRecord } from './agent.js';
import { importAgents, validateAgentsDocument } from './import.js';
import { draftPersona } from './persona.js';
import { applyPersonaDraft, createAgent, deleteAgent, ensureDefaultAgent, getAgent, listAgents, updateAgent } from './repository.js';
import { agentsToYaml, readAgentsYaml } from './yaml.js';

export interface AgentsFeatureDeps {
  db: Db;
  routes: Routes;
  log: Logger;
  /** Drafts personas with the model (recorded as usage, purpose 'persona'); null: drafted by rules. */
  gateway: ModelGateway | null;
}

/** Content types POST …/import reads as YAML text (JSON bodies go through the JSON parser). */
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

const importQuerySchema = z.object({
  dryRun: z.enum(['1', 'true', '0', 'false'], { error: 'dryRun must be 1, true, 0 or false' }).optional(),
});

/**
 * A tenant's agents, for its own servers (secret key). Routes (docs/agents.md):
 * GET/POST /v1/admin/agents; GET/PATCH/DELETE /v1/admin/agents/:name; GET …/export (YAML);
 * POST …/import (YAML or JSON, ?dryRun=1); POST/GET …/:name/persona-draft; POST …/persona-draft/apply.
 */
export function createAgentsFeature(deps: AgentsFeatureDeps): Feature {
  const { db } = deps;
  const routes = deps.routes.admin();
  const personaDeps = { db, gateway: deps.gateway, log: deps.log };
  // The default agent exists from the first look (list, export, /support…): it is what answers
  // the widget, so the admin routes show and edit it like any other agent. Creating and
  // importing do not make it: a tenant's first agent (or an imported set) starts as it is given.
  const withDefault: RequestHandler = async (_req, res, next) => {
    await ensureDefaultAgent(db, tenantOf(res).id);
    next();
  };
  const router = {
    get: (path: string, ...h: RequestHandler[]) => routes.get(path, noStore, withDefault, ...h),
    patch: (path: string, ...h: RequestHandler[]) => routes.patch(path, noStore, withDefault, ...h),
    delete: (path: string, ...h: RequestHandler[]) => routes.delete(path, noStore, withDefault, ...h),
    post: (path: string, ...h: RequestHandler[]) => routes.post(path, noStore, ...(createsAgents(path) ? [] : [withDefault]), ...h),
  };

  router.get(AGENT_ROUTES.agents, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const body: AgentListResponse = { agents: (await listAgents(db, tenantId)).map(toAgentResponse) };
    res.json(body);
  });

  router.post(AGENT_ROUTES.agents, async (req, res) => {
    const input = parseJsonBody(createAgentRequestSchema, req, 'agent');
    const agent = await createAgent(db, tenantOf(res).id, input);
    res.status(201).location(`${AGENT_ROUTES.agents}/${agent.name}`).json(toAgentResponse(agent));
  });

  // Before /:name, which would otherwise take "export" and "import" as agent names.
  router.get(AGENT_ROUTES.export, async (_req, res) => {
    const tenantId = tenantOf(res).id;
    const yaml = agentsToYaml(await listAgents(db, tenantId));
    res.type('application/yaml').set('Content-Disposition', 'attachment; filename="agents.yaml"').send(yaml);
  });

  router.post(AGENT_ROUTES.import, withTextGuard(express.text({ type: YAML_TYPES, limit: AGENT_LIMITS.maxImportBytes })), async (req, res) => {
    const query = parseInput(importQuerySchema, req.query, 'import query');
    const dryRun = query.dryRun === '1' || query.dryRun === 'true';
    const doc = validateAgentsDocument(importBody(req));
    res.json(await importAgents(db, tenantOf(res).id, doc, { dryRun }));
  });

  router.get(AGENT_ROUTES.agent, async (req, res) => {
    res.json(toAgentResponse(await getAgent(db, tenantOf(res).id, nameParam(req))));
  });

  router.patch(AGENT_ROUTES.agent, async (req, res) => {
    const name = nameParam(req);
    const patch = parseJsonBody(patchAgentRequestSchema, req, 'agent');
    res.json(toAgentResponse(await updateAgent(db, tenantOf(res).id, name, patch)));
  });

  router.delete(AGENT_ROUTES.agent, async (req, res) => {
    const name = nameParam(req);
    const query = parseInput(deleteAgentQuerySchema, req.query, 'delete query');
    await deleteAgent(db, tenantOf(res).id, name, query.newDefault);
    res.status(204).end();
  });

  router.post(AGENT_ROUTES.personaDraft, async (req, res) => {
    const agent = await getAgent(db, tenantOf(res).id, nameParam(req));
    const body: PersonaDraftResponse = { draft: await draftPersona(personaDeps, agent) };
    res.status(201).json(body);
  });

  router.get(AGENT_ROUTES.personaDraft, async (req, res) => {
    const agent = await getAgent(db, tenantOf(res).id, nameParam(req));
    const body: PersonaDraftResponse = { draft: agent.personaDraft };
    res.json(body);
  });

  router.post(AGENT_ROUTES.applyPersonaDraft, async (req, res) => {
    res.json(toAgentResponse(await applyPersonaDraft(db, tenantOf(res).id, nameParam(req))));
  });

  return { adminRoutes: routes.router };
}

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** POST /v1/admin/agents and POST …/import make agents: they start from what they are given. */
function createsAgents(path: string): boolean {
  return path === AGENT_ROUTES.agents || path === AGENT_ROUTES.import;
}

/** The :name path parameter, validated like a name in a body (a 400 rather than a puzzling 404). */
function nameParam(req: Request): string {
  return parseInput(agentNameSchema, String(req.params.name), 'agent name in the path');
}

/** The import body: YAML text, or an already parsed JSON body. */
function importBody(req: Request): unknown {
  if (typeof req.body === 'string') {
    // YAML escapes ("\0", "\ud800") make text the raw body never held: the rule applies to the result too.
    const document = readAgentsYaml(req.body);
    assertValidText(document, 'body');
    return document;
  }
  if (req.is('application/json') && req.body !== undefined) return req.body;
  const type = req.get('content-type');
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Send the agents document as YAML (Content-Type: application/yaml) or JSON (application/json)${type ? `, not ${type}` : ''}`,
  );
}

export function toAgentResponse(agent: AgentRecord): AgentResponse {
  return {
    id: agent.id,
    name: agent.name,
    isDefault: agent.isDefault,
    persona: agent.persona,
    instructions: agent.instructions,
    model: agent.model,
    temperature: agent.temperature,
    retrieval: agent.retrieval,
    knowledgeFilter: agent.knowledgeFilter,
    tools: agent.tools,
    personaDraft: agent.personaDraft,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}

import type { RequestHandler } from 'express';
import {
  AGENT_ROUTES,
  createAgentRequestSchema,
  deleteAgentQuerySchema,
  patchAgentRequestSchema,
  type AgentListResponse,
  type PersonaDraftResponse,
} from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { ModelGateway } from '../model/gateway.js';
import { importAgents, validateAgentsDocument } from './import.js';
import { draftPersona } from './persona.js';
import { applyPersonaDraft, createAgent, deleteAgent, ensureDefaultAgent, getAgent, listAgents, updateAgent } from './repository.js';
import { importBody, isDryRun, nameParam, noStore, yamlBody } from './requests.js';
import { toAgentResponse } from './response.js';
import { agentsToYaml } from './yaml.js';

export interface AgentsFeatureDeps {
  db: Db;
  routes: Routes;
  log: Logger;
  /** Drafts personas with the model (recorded as usage, purpose 'persona'); null: drafted by rules. */
  gateway: ModelGateway | null;
}

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

  router.post(AGENT_ROUTES.import, yamlBody, async (req, res) => {
    const dryRun = isDryRun(req);
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

/** POST /v1/admin/agents and POST …/import make agents: they start from what they are given. */
function createsAgents(path: string): boolean {
  return path === AGENT_ROUTES.agents || path === AGENT_ROUTES.import;
}

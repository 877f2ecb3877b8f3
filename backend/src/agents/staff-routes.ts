import type { RequestHandler } from 'express';
import {
  STAFF_AGENT_ROUTES,
  createAgentRequestSchema,
  deleteAgentQuerySchema,
  patchAgentRequestSchema,
  type AgentListResponse,
  type PersonaDraftResponse,
} from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import { requireRole } from '../staff/session-auth.js';
import { importAgents, validateAgentsDocument } from './import.js';
import { draftPersona } from './persona.js';
import { applyPersonaDraft, createAgent, deleteAgent, ensureDefaultAgent, getAgent, listAgents, updateAgent } from './repository.js';
import { importBody, isDryRun, nameParam, noStore, yamlBody } from './requests.js';
import { toAgentResponse } from './response.js';
import { agentsToYaml } from './yaml.js';

export interface StaffAgentsDeps {
  db: Db;
  routes: Routes;
  log: Logger;
  /** Drafts personas with the model (usage purpose 'persona'); null: drafted by rules. */
  gateway: ModelGateway | null;
}

/**
 * The console's Agents page: the admin agent API (routes.ts) on the signed-in staff member's
 * tenant, with the same services. Any role reads — agents answer beside the bot and should see
 * what it is told — while creating, editing, deleting, importing and drafting a persona (a model
 * call the tenant pays for, stored on the agent) are for owners and admins. The try-it chat is
 * its own feature (try-it/).
 *
 * GET /v1/staff/agents was the inbox's agent filter ({agents: [{id, name}]}); it now sends whole
 * agents, a superset of that shape, so the filter reads it unchanged.
 */
export function createStaffAgentsFeature(deps: StaffAgentsDeps): Feature {
  const { db } = deps;
  const routes = deps.routes.staff();
  const managers = requireRole('owner', 'admin');
  const personaDeps = { db, gateway: deps.gateway, log: deps.log };
  // As on the admin API: the default agent is what answers the widget, so it is shown (and made)
  // from the first look; creating and importing start from what they are given.
  const withDefault: RequestHandler = async (_req, res, next) => {
    await ensureDefaultAgent(db, tenantOf(res).id);
    next();
  };
  const R = STAFF_AGENT_ROUTES;

  routes.get(R.agents, noStore, withDefault, async (_req, res) => {
    const body: AgentListResponse = { agents: (await listAgents(db, tenantOf(res).id)).map(toAgentResponse) };
    res.json(body);
  });

  routes.post(R.agents, managers, noStore, async (req, res) => {
    const input = parseJsonBody(createAgentRequestSchema, req, 'agent');
    const agent = await createAgent(db, tenantOf(res).id, input);
    res.status(201).location(`${R.agents}/${agent.name}`).json(toAgentResponse(agent));
  });

  // Before /:name, which would otherwise take "export" and "import" as agent names.
  routes.get(R.export, noStore, withDefault, async (_req, res) => {
    const yaml = agentsToYaml(await listAgents(db, tenantOf(res).id));
    res.type('application/yaml').set('Content-Disposition', 'attachment; filename="agents.yaml"').send(yaml);
  });

  routes.post(R.import, managers, noStore, yamlBody, async (req, res) => {
    const dryRun = isDryRun(req);
    const doc = validateAgentsDocument(importBody(req));
    res.json(await importAgents(db, tenantOf(res).id, doc, { dryRun }));
  });

  routes.get(R.agent, noStore, withDefault, async (req, res) => {
    res.json(toAgentResponse(await getAgent(db, tenantOf(res).id, nameParam(req))));
  });

  routes.patch(R.agent, managers, noStore, withDefault, async (req, res) => {
    const name = nameParam(req);
    const patch = parseJsonBody(patchAgentRequestSchema, req, 'agent');
    res.json(toAgentResponse(await updateAgent(db, tenantOf(res).id, name, patch)));
  });

  routes.delete(R.agent, managers, noStore, withDefault, async (req, res) => {
    const name = nameParam(req);
    const query = parseInput(deleteAgentQuerySchema, req.query, 'delete query');
    await deleteAgent(db, tenantOf(res).id, name, query.newDefault);
    res.status(204).end();
  });

  routes.post(R.personaDraft, managers, noStore, withDefault, async (req, res) => {
    const agent = await getAgent(db, tenantOf(res).id, nameParam(req));
    const body: PersonaDraftResponse = { draft: await draftPersona(personaDeps, agent) };
    res.status(201).json(body);
  });

  routes.get(R.personaDraft, noStore, withDefault, async (req, res) => {
    const agent = await getAgent(db, tenantOf(res).id, nameParam(req));
    const body: PersonaDraftResponse = { draft: agent.personaDraft };
    res.json(body);
  });

  routes.post(R.applyPersonaDraft, managers, noStore, withDefault, async (req, res) => {
    res.json(toAgentResponse(await applyPersonaDraft(db, tenantOf(res).id, nameParam(req))));
  });

  return { publicRoutes: routes.router };
}
